// Small DOCX and PDF files built at test time (no real documents copied into the project).
#pragma once

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace tongwen::test {

// A zip holding the given parts (name -> bytes), deflated.
inline std::string zip_of(const std::map<std::string, std::string>& parts) {
  std::ostringstream out;
  Poco::Zip::Compress zip(out, true);
  for (const auto& [name, bytes] : parts) {
    std::istringstream in(bytes);
    zip.addFile(in, Poco::DateTime(2023, 5, 17),
                Poco::Path(name, Poco::Path::PATH_UNIX));  // fixed: same bytes every run
  }
  zip.close();
  return out.str();
}

inline const char* kWordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

// A DOCX whose body is `body_xml` (w: elements), with optional core.xml and styles.xml content.
inline std::string docx_of(const std::string& body_xml, const std::string& core_xml = "",
                           const std::string& styles_xml = "") {
  std::map<std::string, std::string> parts;
  parts["[Content_Types].xml"] =
      "<?xml version=\"1.0\"?><Types "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
  parts["word/document.xml"] =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"") + kWordNs +
      "\"><w:body>" + body_xml + "</w:body></w:document>";
  if (!core_xml.empty())
    parts["docProps/core.xml"] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties "
        "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">" +
        core_xml + "</cp:coreProperties>";
  if (!styles_xml.empty())
    parts["word/styles.xml"] = std::string("<?xml version=\"1.0\"?><w:styles xmlns:w=\"") + kWordNs + "\">" +
                               styles_xml + "</w:styles>";
  return zip_of(parts);
}

// A one-page PDF (Helvetica) showing `lines` from the top, 16 points apart, with an info
// dictionary when `info` is not empty ("/Title (x) /Author (y)").
inline std::string text_pdf(const std::vector<std::string>& lines, const std::string& info = "") {
  std::string content = "BT /F1 12 Tf 72 720 Td";
  for (const auto& l : lines) content += " (" + l + ") Tj 0 -16 Td";
  content += " ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents "
      "4 0 R >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  if (!info.empty()) objects.push_back("<< " + info + " >>");
  std::string out = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" +
         (info.empty() ? "" : " /Info 6 0 R") + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace tongwen::test
