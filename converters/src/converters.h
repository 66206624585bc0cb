// Private to the converters module: the built-in converters and shared helpers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/converter.h"

#include "tongwen/util.h"  // trim

namespace tongwen {

// Adds every built-in converter to a registry (registry.cpp calls it once).
void register_builtin_converters(ConverterRegistry& registry);

std::unique_ptr<Converter> make_text_converter();
std::unique_ptr<Converter> make_ted_converter();
std::unique_ptr<Converter> make_wmt_converter();
std::unique_ptr<Converter> make_tmx_converter();
std::unique_ptr<Converter> make_xliff_converter();
std::unique_ptr<Converter> make_tei_converter();
std::unique_ptr<Converter> make_html_converter();
std::unique_ptr<Converter> make_feed_converter();
// Paragraphs of text of an HTML fragment (escaped markup in feeds), as the html converter reads them.
std::vector<std::string> html_fragment_paragraphs(std::string_view utf8);
std::unique_ptr<Converter> make_docx_converter();
std::unique_ptr<Converter> make_pdf_converter();
std::unique_ptr<Converter> make_srt_converter();
std::unique_ptr<Converter> make_vtt_converter();
std::unique_ptr<Converter> make_jsonl_converter();
std::unique_ptr<Converter> make_udhr_converter();

// Splits text into paragraphs at blank lines; single newlines inside a paragraph become spaces
// for Latin text and disappear between Chinese characters. Trims each paragraph.
std::vector<std::string> split_paragraphs(std::string_view text);
// Joins lines of one paragraph (see split_paragraphs) and trims.
std::string join_lines(std::string_view text);
// Splits a metadata list ("a; b; c", also "、" and "；") into trimmed non-empty items.
std::vector<std::string> split_list(std::string_view s);

}  // namespace tongwen
