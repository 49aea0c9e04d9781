// image_kind.c -- image formats by their signatures (image_kind.h).
#include "util/image_kind.h"

#include <string.h>

tb_image_kind tb_image_kind_of(const unsigned char *d, size_t len) {
  static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (len >= 8 && !memcmp(d, png_sig, 8))
    return TB_IMAGE_PNG;
  if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) /* SOI, then a marker */
    return TB_IMAGE_JPEG;
  return TB_IMAGE_NONE;
}

const char *tb_image_media_type(tb_image_kind kind) {
  switch (kind) {
  case TB_IMAGE_PNG: return "image/png";
  case TB_IMAGE_JPEG: return "image/jpeg";
  case TB_IMAGE_NONE: break;
  }
  return NULL;
}

const char *tb_image_ext(tb_image_kind kind) {
  switch (kind) {
  case TB_IMAGE_PNG: return "png";
  case TB_IMAGE_JPEG: return "jpg";
  case TB_IMAGE_NONE: break;
  }
  return NULL;
}
