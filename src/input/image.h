// image.h -- resolve an image reference to a safe local file and read its size.
#ifndef TB_IMAGE_H
#define TB_IMAGE_H

#include "doc/doc.h"
#include "util/image_kind.h"

/**
 * Resolves img (TB_NODE_IMAGE) against dir: sets img->image.path/kind/width/height when url names
 * a PNG or JPEG file inside dir (after following symlinks), within the limits (limits.h).
 * Otherwise leaves path NULL (the image renders as its alt text) and warns why: remote (never
 * fetched), outside the source's folder, missing, not a PNG/JPEG, corrupt, too large.
 */
void tb_image_resolve(tb_doc *doc, tb_node *img, const char *source, const char *dir);

/** The kind (tb_image_kind_of) and the dimensions read from a file's first bytes; TB_IMAGE_NONE
 * when either is missing or the size is not positive. */
tb_image_kind tb_image_sniff(const unsigned char *data, size_t len, int *width, int *height);

#endif
