// image_kind.h -- the image formats terbit embeds, and the one place that tells them apart by their
// bytes (the importer, the PDF painter and the EPUB writer all go by it).
#ifndef TB_IMAGE_KIND_H
#define TB_IMAGE_KIND_H

#include <stddef.h>

typedef enum {
  TB_IMAGE_NONE, /* not an image terbit can use (the zero value: no image resolved) */
  TB_IMAGE_PNG,
  TB_IMAGE_JPEG
} tb_image_kind;

/** The kind from the file's signature alone (the first 8 bytes of a PNG, FF D8 FF of a JPEG); a
 * format's structure is the reader's to check (input/image.c reads the size and checks the whole
 * file). TB_IMAGE_NONE for anything else. */
tb_image_kind tb_image_kind_of(const unsigned char *data, size_t len);

/** The media type ("image/png", "image/jpeg"), or NULL for TB_IMAGE_NONE. */
const char *tb_image_media_type(tb_image_kind kind);

/** The file name extension without its dot ("png", "jpg"), or NULL for TB_IMAGE_NONE. */
const char *tb_image_ext(tb_image_kind kind);

#endif
