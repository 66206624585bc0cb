// Stored alignments: the commit hook that aligns the members of touched translation groups, and
// the reader of stored alignments.
//
// Metadata written here (all Xapian user metadata of the index):
//   "align:" + idA + "\t" + idB (idA < idB)  serialise(Alignment) (core/alignment.h)
//   "align-group:" + group                   the group record: what was aligned, for change
//                                            detection and clean-up. Text lines:
//                                              "m\t" id "\t" content-hash      one per member aligned
//                                              "s\t" idA "\t" idB "\t" stats   anchored length stats the
//                                                                              pair added to the archive
//                                              "truncated\t" N                 the group had N > 8 members
//   "align-stats:" + langA + "\t" + langB    LengthStats::serialise(): the archive's length
//                                            statistics from anchored pairs (primary subtags, sorted)
//   "align-lexicon:en\tzh"                   TranslationTable::serialise(), learned from the
//                                            anchored zh-en paragraph pairs (and, under the same key
//                                            + "\x1fn", how many pairs it was learned from)
#include <Poco/File.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include "tongwen/align.h"
#include "tongwen/errors.h"
#include "tongwen/index_writer.h"
#include "tongwen/schema.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

struct GroupRecord {
  std::map<std::string, std::string> members;  // id -> content hash
  // (idA, idB) -> (stats key, what the pair added to it)
  std::map<std::pair<std::string, std::string>, std::pair<std::string, LengthStats>> stats;
  std::size_t truncated = 0;

  static GroupRecord parse(const std::string& data) {
    GroupRecord r;
    std::istringstream in(data);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f = split_fields(line, '\t');
      if (f[0] == "m" && f.size() == 3) r.members[f[1]] = f[2];
      if (f[0] == "s" && f.size() == 6)
        r.stats[{f[1], f[2]}] = {std::string(kLengthStatsKeyPrefix) + f[3] + "\t" + f[4],
                                 LengthStats::parse(f[5])};
      if (f[0] == "truncated" && f.size() == 2) r.truncated = std::strtoul(f[1].c_str(), nullptr, 10);
    }
    return r;
  }

  std::string serialise() const {
    std::string out;
    for (const auto& [id, hash] : members) out += "m\t" + id + "\t" + hash + "\n";
    for (const auto& [ids, st] : stats)  // the stats key's language pair is already tab-separated
      out += "s\t" + ids.first + "\t" + ids.second + "\t" + st.first.substr(kLengthStatsKeyPrefix.size()) +
             "\t" + st.second.serialise() + "\n";
    if (truncated) out += "truncated\t" + std::to_string(truncated) + "\n";
    return out;
  }
};

// What an alignment depends on: language, paragraph text, anchors and languages, the aligner.
std::string content_hash(const Document& d) {
  std::string buf = std::to_string(kAlignerVersion) + "\x1e" + d.lang + "\x1e" + d.translation_of + "\x1e";
  append_paragraph_bytes(buf, d);
  return sha256_hex(buf).substr(0, 32);
}

// The original goes on the source side: the member the other declares it translates; else the
// smaller id.
bool is_source_first(const Document& a, const Document& b) {
  if (b.translation_of == a.id) return true;
  if (a.translation_of == b.id) return false;
  return a.id < b.id;
}

class StatsCache {
 public:
  explicit StatsCache(IndexWriter& w) : w_(w) {}
  LengthStats& get(const std::string& key) {
    auto it = stats_.find(key);
    if (it == stats_.end()) it = stats_.emplace(key, LengthStats::parse(w_.get_metadata(key))).first;
    return it->second;
  }
  void change(const std::string& key, const LengthStats& delta, double sign) {
    get(key).add(delta, sign);
    dirty_.insert(key);
  }
  void save() {
    for (const auto& key : dirty_) {
      const LengthStats& st = stats_[key];
      w_.set_metadata(key, st.n > 0 ? st.serialise() : "");
    }
    dirty_.clear();
  }

 private:
  IndexWriter& w_;
  std::map<std::string, LengthStats> stats_;
  std::set<std::string> dirty_;
};

bool is_zh_en(std::string_view a, std::string_view b) {
  auto p = [](std::string_view l) { return l.substr(0, l.find('-')); };
  return (p(a) == "zh" && p(b) == "en") || (p(a) == "en" && p(b) == "zh");
}

// Learns the zh-en translation table again from every stored anchored zh-en alignment when the
// archive's anchored pairs have grown by a quarter (amortised: each pair is read O(1) times).
void maybe_learn_translations(IndexWriter& writer, StatsCache& stats) {
  std::string key = translation_table_key("en", "zh");
  double n = stats.get(LengthStats::key("en", "zh")).n;
  double learned = std::atof(writer.get_metadata(key + "\x1fn").c_str());
  if (n < kMinLexiconPairs || n < 1.25 * learned) return;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& k : writer.metadata_keys(std::string(kAlignmentKeyPrefix))) {
    Alignment a;
    try {
      a = unserialise_alignment(writer.get_metadata(k));
    } catch (const EnvironmentError&) {  // corrupt_index: a damaged alignment is skipped
      continue;
    }
    if (a.method != "anchors" || !is_zh_en(a.source_lang, a.target_lang)) continue;
    Document src, tgt;
    if (!writer.get(a.source_id, src) || !writer.get(a.target_id, tgt)) continue;
    bool src_zh = a.source_lang.rfind("zh", 0) == 0;
    for (const auto& l : a.paragraph_links) {
      if (l.src.size() != 1 || l.tgt.size() != 1) continue;
      auto ps = static_cast<std::size_t>(l.src[0]), pt = static_cast<std::size_t>(l.tgt[0]);
      if (ps >= src.paragraphs.size() || pt >= tgt.paragraphs.size()) continue;
      const std::string& ts = src.paragraphs[ps].text;
      const std::string& tt = tgt.paragraphs[pt].text;
      pairs.emplace_back(src_zh ? ts : tt, src_zh ? tt : ts);
    }
  }
  writer.set_metadata(key, TranslationTable::learn(pairs).serialise());
  writer.set_metadata(key + "\x1fn", std::to_string(static_cast<long long>(n)));
}

}  // namespace

std::string translation_table_key(std::string_view lang_a, std::string_view lang_b) {
  if (!is_zh_en(lang_a, lang_b)) return {};
  return std::string(kTranslationTableKeyPrefix) + "en\tzh";
}

std::shared_ptr<const Lexicon> alignment_lexicon(const std::shared_ptr<const Glossary>& glossary) {
  if (!glossary) return nullptr;
  static std::mutex mu;
  static std::map<const Glossary*, std::pair<std::shared_ptr<const Glossary>, std::shared_ptr<const Lexicon>>>
      built;  // keeps the glossary alive while its pointer is a key
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = built[glossary.get()];
  if (!slot.second) slot = {glossary, std::make_shared<const Lexicon>(Lexicon::from(*glossary))};
  return slot.second;
}

void align_groups(IndexWriter& writer, const std::set<std::string>& groups) {
  Xapian::WritableDatabase& db = writer.database();  // shard 0: the archive's metadata
  StatsCache stats(writer);
  std::shared_ptr<const Lexicon> lexicon;
  bool lexicon_loaded = false;
  TranslationTable translations;
  bool translations_loaded = false;

  for (const auto& group : groups) {
    if (group.empty()) continue;
    std::string record_key = std::string(kGroupRecordPrefix) + group;
    // The common case, a group of one that never had more: one term-frequency lookup and one
    // metadata lookup (the record, to see whether it had more members before).
    Xapian::doccount size = writer.group_size(group);
    std::string old_data = db.get_metadata(record_key);
    if (size < 2 && old_data.empty()) continue;
    GroupRecord old = GroupRecord::parse(old_data);

    std::vector<std::string> ids = size >= 2 ? writer.group_members(group) : std::vector<std::string>{};
    std::sort(ids.begin(), ids.end());
    GroupRecord now;
    if (ids.size() > kMaxGroupMembers) {
      now.truncated = ids.size();
      ids.resize(kMaxGroupMembers);
    }
    std::map<std::string, Document> docs;
    for (const auto& id : ids) {
      Document d;
      if (!writer.get(id, d)) continue;
      now.members[id] = content_hash(d);
      docs.emplace(id, std::move(d));
    }
    if (docs.size() < 2) now.members.clear();

    // Alignments of pairs that no longer exist (a member left, or fell beyond the cap).
    for (auto a = old.members.begin(); a != old.members.end(); ++a) {
      for (auto b = std::next(a); b != old.members.end(); ++b) {
        if (now.members.count(a->first) && now.members.count(b->first)) continue;
        db.set_metadata(alignment_key(a->first, b->first), "");
        auto st = old.stats.find({a->first, b->first});
        if (st != old.stats.end()) stats.change(st->second.first, st->second.second, -1.0);
      }
    }

    for (auto a = now.members.begin(); a != now.members.end(); ++a) {
      for (auto b = std::next(a); b != now.members.end(); ++b) {
        std::string key = alignment_key(a->first, b->first);
        auto oa = old.members.find(a->first), ob = old.members.find(b->first);
        bool unchanged = oa != old.members.end() && ob != old.members.end() && oa->second == a->second &&
                         ob->second == b->second;
        auto old_stats = old.stats.find({a->first, b->first});
        if (unchanged && !db.get_metadata(key).empty()) {
          if (old_stats != old.stats.end()) now.stats[{a->first, b->first}] = old_stats->second;
          continue;
        }
        if (old_stats != old.stats.end())
          stats.change(old_stats->second.first, old_stats->second.second, -1.0);
        const Document& da = docs.at(a->first);
        const Document& dbb = docs.at(b->first);
        bool a_first = is_source_first(da, dbb);
        const Document& src = a_first ? da : dbb;
        const Document& tgt = a_first ? dbb : da;
        if (!lexicon_loaded) {
          lexicon = alignment_lexicon(writer.glossary());
          lexicon_loaded = true;
        }
        bool swapped = false;
        std::string stats_key = LengthStats::key(src.lang, tgt.lang, &swapped);
        LengthStats archive = stats.get(stats_key);
        if (swapped) archive = archive.swapped();
        AlignOptions opt;
        opt.lexicon = lexicon.get();
        opt.stats = &archive;
        if (is_zh_en(src.lang, tgt.lang) && !(fully_anchored(src) && fully_anchored(tgt))) {
          if (!translations_loaded) {
            translations = TranslationTable::parse(writer.get_metadata(translation_table_key("en", "zh")));
            translations_loaded = true;
          }
          opt.translations = &translations;
        }
        Alignment al = align_documents(src, tgt, opt);
        db.set_metadata(key, serialise(al));
        LengthStats contribution = anchored_length_stats(al, src, tgt);
        if (contribution.n > 0) {
          stats.change(stats_key, contribution, 1.0);
          now.stats[{a->first, b->first}] = {stats_key, contribution};
        }
      }
    }
    std::string new_data = now.members.empty() ? std::string() : now.serialise();
    if (new_data != old_data) db.set_metadata(record_key, new_data);
  }
  stats.save();
  maybe_learn_translations(writer, stats);
}

}  // namespace tongwen
