// image.h -- resolve an image reference to a safe local file and read its size.
#ifndef TB_IMAGE_H
#define TB_IMAGE_H

#include "doc/doc.h"

/**
 * Resolves img (TB_NODE_IMAGE) against dir: sets img->image.path/kind/width/height when url names
 * a PNG or JPEG file inside dir (after following symlinks), within the limits (limits.h).
 * Otherwise leaves path NULL (the image renders as its alt text) and warns why: remote (never
 * fetched), outside the source's folder, missing, not a PNG/JPEG, corrupt, too large.
 */
void tb_image_resolve(tb_doc *doc, tb_node *img, const char *source, const char *dir);

/** Reads PNG/JPEG dimensions from a file's first bytes. Returns kind (1 PNG, 2 JPEG) or 0. */
int tb_image_sniff(const unsigned char *data, size_t len, int *width, int *height);

#endif
