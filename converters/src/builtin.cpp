// The built-in converters, in the order `tongwen formats` lists them.
#include "converters.h"

namespace tongwen {

void register_builtin_converters(ConverterRegistry& r) {
  r.add(make_text_converter());
  r.add(make_ted_converter());
  r.add(make_wmt_converter());
  r.add(make_tmx_converter());
  r.add(make_xliff_converter());
  r.add(make_tei_converter());
  r.add(make_html_converter());
  r.add(make_feed_converter());
  r.add(make_docx_converter());
  r.add(make_pdf_converter());
  r.add(make_srt_converter());
  r.add(make_vtt_converter());
  r.add(make_jsonl_converter());
  r.add(make_udhr_converter());
}

}  // namespace tongwen
