// xmp.c -- the PDF's XMP metadata packet (xmp.h).
#include "pdf/xmp.h"

#include <string.h>
#include <time.h>

/* s as XML character data (also fit for an attribute value). */
static void put_xml(tb_buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '<')
      tb_buf_puts(b, "&lt;");
    else if (c == '>')
      tb_buf_puts(b, "&gt;");
    else if (c == '&')
      tb_buf_puts(b, "&amp;");
    else if (c == '"')
      tb_buf_puts(b, "&quot;");
    else if (c < 0x20 && c != '\t' && c != '\n')
      tb_buf_putc(b, ' '); /* not a character XML 1.0 allows */
    else
      tb_buf_putc(b, (char)c);
  }
}

static void put_elem(tb_buf *b, const char *name, const char *value) {
  tb_buf_printf(b, "   <%s>", name);
  put_xml(b, value);
  tb_buf_printf(b, "</%s>\n", name);
}

/* An rdf:Seq or rdf:Bag of n items. */
static void put_list(tb_buf *b, const char *name, const char *kind, const char *const *items, size_t n) {
  tb_buf_printf(b, "   <%s><rdf:%s>", name, kind);
  for (size_t i = 0; i < n; i++) {
    tb_buf_puts(b, "<rdf:li>");
    put_xml(b, items[i]);
    tb_buf_puts(b, "</rdf:li>");
  }
  tb_buf_printf(b, "</rdf:%s></%s>\n", kind, name);
}

/* A language alternative: x-default, and the same text in lang (what the text is written in). */
static void put_alt(tb_buf *b, const char *name, const char *value, const char *lang) {
  tb_buf_printf(b, "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", name);
  put_xml(b, value);
  tb_buf_puts(b, "</rdf:li>");
  if (lang && *lang) {
    tb_buf_puts(b, "<rdf:li xml:lang=\"");
    put_xml(b, lang);
    tb_buf_puts(b, "\">");
    put_xml(b, value);
    tb_buf_puts(b, "</rdf:li>");
  }
  tb_buf_printf(b, "</rdf:Alt></%s>\n", name);
}

void tb_xmp_keywords(tb_buf *out, const tb_meta *m) {
  if (m->category)
    tb_buf_puts(out, m->category);
  for (size_t i = 0; i < m->nkeywords; i++) {
    if (out->len)
      tb_buf_puts(out, ", ");
    tb_buf_puts(out, m->keywords[i]);
  }
}

void tb_xmp_write(tb_buf *out, const tb_doc *doc, const char *producer, bool ua) {
  const tb_meta *m = &doc->meta;
  char date[32];
  time_t t = (time_t)doc->epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  (void)strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm); /* the Info dates, D:...Z, as XMP */
  /* the packet wrapper's id is the one every XMP writer uses (ISO 16684-1 §7.3.2) */
  tb_buf_puts(out, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\"\n"
                   "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                   "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                   "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                   "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n");
  if (ua)
    put_elem(out, "pdfuaid:part", "1");
  if (m->title && *m->title)
    put_alt(out, "dc:title", m->title, m->lang);
  if (m->nauthors)
    put_list(out, "dc:creator", "Seq", m->authors, m->nauthors);
  const char *subject = m->description ? m->description : m->subtitle ? m->subtitle : m->category;
  if (subject) /* the Info Subject */
    put_alt(out, "dc:description", subject, m->lang);
  if (m->lang)
    put_list(out, "dc:language", "Bag", &m->lang, 1);
  if (m->nkeywords)
    put_list(out, "dc:subject", "Bag", m->keywords, m->nkeywords);
  if (doc->uuid)
    put_elem(out, "dc:identifier", doc->uuid);
  if (m->rights)
    put_alt(out, "dc:rights", m->rights, m->lang);
  put_elem(out, "xmp:CreateDate", date);
  put_elem(out, "xmp:ModifyDate", date);
  put_elem(out, "xmp:MetadataDate", date);
  put_elem(out, "xmp:CreatorTool", producer);
  put_elem(out, "pdf:Producer", producer);
  tb_buf kw = {0};
  tb_xmp_keywords(&kw, m);
  if (kw.len)
    put_elem(out, "pdf:Keywords", kw.data);
  tb_buf_free(&kw);
  tb_buf_puts(out, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
}
