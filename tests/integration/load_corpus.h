// Helpers for the bulk-loading tests: a generated bilingual corpus (never skips: no outside files
// needed) and a snapshot of an index's documents and load records to compare two indexes.
#pragma once

#include <xapian.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "fixtures.h"
#include "tongwen/schema.h"

namespace tongwen::test {

// Writes a corpus under `dir`/`folder`: `jsonl_files` JSON Lines files of `per_jsonl` documents,
// one JSON Lines file of `big_jsonl` documents (in the middle of the path order, so that a load
// commits inside it), and `text_files` text files of one document each, half Chinese and half
// English. Deterministic for a seed. Returns the number of documents.
inline std::size_t write_generated_corpus(const TempDir& dir, const std::string& folder, unsigned seed,
                                          int jsonl_files, int per_jsonl, int big_jsonl, int text_files) {
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> zh = {
      "科技创新是推动高质量发展的第一动力。", "人工智能治理需要全球合作与共识。",
      "知识产权保护是创新的基础。",           "一带一路倡议促进了科技交流。",
      "开放科学让数据和方法得以共享。",       "青年科学家是创新的生力军。",
      "数字经济正在重塑产业结构。",           "我们要加强基础研究和原始创新。"};
  const std::vector<std::string> en = {"Innovation is the first driver of high-quality development.",
                                       "Governing artificial intelligence needs global cooperation.",
                                       "Protecting intellectual property is the foundation of innovation.",
                                       "The Belt and Road Initiative fosters exchange in science.",
                                       "Open science lets researchers share data and methods.",
                                       "Young scientists bring new energy to research.",
                                       "The digital economy is reshaping whole industries.",
                                       "We must strengthen basic research and original innovation."};
  const std::vector<std::string> speakers = {"王建国",     "李明", "Sophie Martin",
                                             "John Smith", "陈静", "Ahmed Khan"};
  const std::vector<std::string> topics = {"人工智能", "Open science", "知识产权", "Digital economy",
                                           "Basic research"};
  auto body = [&](bool chinese, int sentences) {
    std::string s;
    for (int i = 0; i < sentences; ++i) s += (i ? " " : "") + pick(chinese ? zh : en);
    return s;
  };
  auto json_str = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::size_t docs = 0;
  auto jsonl = [&](const std::string& name, int n, int file_no) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      bool chinese = rng() % 2 == 0;
      std::string id = "gen-" + std::to_string(file_no) + "-" + std::to_string(i);
      text += "{\"id\":" + json_str(id) + ",\"lang\":\"" + (chinese ? "zh-Hans" : "en") +
              "\",\"type\":\"speech\"," + "\"title\":" +
              json_str((chinese ? "演讲 " : "Talk ") + std::to_string(file_no) + "." + std::to_string(i)) +
              ",\"date\":\"202" + std::to_string(rng() % 5) + "-0" + std::to_string(1 + rng() % 9) + "-1" +
              std::to_string(rng() % 10) + "\",\"speakers\":[" + json_str(pick(speakers)) + "],\"topics\":[" +
              json_str(pick(topics)) + "],\"paragraphs\":[" +
              json_str(body(chinese, 2 + static_cast<int>(rng() % 3))) + "," + json_str(body(!chinese, 1)) +
              "]}\n";
      ++docs;
    }
    dir.write(folder + "/" + name, text);
  };
  char name[64];
  int file_no = 0;
  for (int f = 0; f < jsonl_files; ++f) {
    std::snprintf(name, sizeof name, "batch-%03d.jsonl", f);
    jsonl(name, per_jsonl, file_no++);
    if (f == jsonl_files / 2 && big_jsonl > 0) jsonl("batch-big.jsonl", big_jsonl, 999);
  }
  for (int t = 0; t < text_files; ++t) {
    bool chinese = t % 2 == 0;
    std::snprintf(name, sizeof name, "talks/%02d/talk-%04d.%s.txt", t % 10, t, chinese ? "zh" : "en");
    std::string text = "title: " + std::string(chinese ? "论坛发言 " : "Forum talk ") + std::to_string(t) +
                       "\nspeakers: " + pick(speakers) + "\ntopics: " + pick(topics) +
                       "\nlang: " + (chinese ? "zh-Hans" : "en") + "\ndate: 2023-05-" +
                       std::to_string(10 + t % 20) + "\n\n" + body(chinese, 3) + "\n\n" + body(chinese, 2) +
                       "\n";
    dir.write(folder + "/" + name, text);
    ++docs;
  }
  return docs;
}

// What an index holds: every document's data by id, ids seen more than once, load records.
struct IndexSnapshot {
  std::map<std::string, std::string> data;  // id -> stored document
  std::vector<std::string> duplicates;
  std::map<std::string, std::string> records;   // "src:" metadata
  std::map<std::string, Xapian::docid> docids;  // id -> Xapian's document number
  Xapian::doccount doccount = 0;
};

inline IndexSnapshot snapshot(const std::string& index_dir) {
  IndexSnapshot s;
  Xapian::Database db(index_dir);
  s.doccount = db.get_doccount();
  const std::string q(schema::PREFIX_ID);
  for (auto t = db.allterms_begin(q); t != db.allterms_end(q); ++t) {
    std::string id = (*t).substr(q.size());
    if (t.get_termfreq() != 1) s.duplicates.push_back(id);
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
      s.data[id] = db.get_document(*p).get_data();
      s.docids[id] = *p;
    }
  }
  for (auto k = db.metadata_keys_begin("src:"); k != db.metadata_keys_end("src:"); ++k)
    s.records[*k] = db.get_metadata(*k);
  return s;
}

}  // namespace tongwen::test
