// A consistent copy of one revision of the index, taken while it is served and written.
//
// How: Xapian::Database::compact() called on a read-only Database reads exactly the revision that
// handle opened (a Glass database never changes the blocks of a committed revision in place; a
// writer only reuses the blocks of revisions older than the one before its last commit). So the
// copy is a revision as committed, never a torn one, and it needs no lock: searches and a bulk
// load carry on. If two commits land while the copy runs, Xapian reports DatabaseModifiedError
// (the blocks we were reading may be reused): the copy starts again at the newest revision. With
// bulk loads committing every ingest.batch_size documents the copy so waits at most for the
// commits that overtake it, never for the end of a load. xapian-replicate would also do, but it
// needs a replication server and a changeset log (XAPIAN_MAX_CHANGESETS) switched on before the
// load; compact() works on any index and gives a smaller copy. DBCOMPACT_NO_RENUMBER keeps
// document ids, so the copy ranks ties exactly as the original.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/File.h>

#include <xapian.h>

#include <chrono>
#include <thread>

#include "tongwen/archive.h"
#include "tongwen/errors.h"
#include "tongwen/schema.h"

namespace tongwen {

BackupInfo copy_revision(const std::string& index_dir, const std::string& out_index) {
  if (Poco::File(out_index).exists())
    throw EnvironmentError("io", out_index + " already exists: a backup is written to a new folder");
  std::string last_revision;
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::Database db(index_dir);
      last_revision = std::to_string(db.get_revision());
      BackupInfo info;
      info.revision = std::to_string(db.get_revision());
      info.documents = db.get_doccount();
      info.schema = db.get_metadata(std::string(schema::kSchemaVersionKey));
      info.created = Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::ISO8601_FORMAT);
      db.compact(out_index, Xapian::DBCOMPACT_NO_RENUMBER);
      return info;
    } catch (const Xapian::Error& e) {
      // Overtaken by commits: DatabaseModifiedError, or a block reused under us (which Xapian can
      // report as corruption); anything else on an unchanged revision is a real error.
      const std::string type = e.get_type();
      bool overtaken = type == "DatabaseModifiedError";
      if (!overtaken && type == "DatabaseCorruptError") {
        try {
          overtaken = std::to_string(Xapian::Database(index_dir).get_revision()) != last_revision;
        } catch (const Xapian::Error&) {
        }
      }
      if (!overtaken) {
        if (type == "DatabaseOpeningError")
          throw EnvironmentError("index", "cannot open index " + index_dir + ": " + e.get_description());
        throw EnvironmentError("index", "cannot copy index " + index_dir + ": " + e.get_description());
      }
      try {
        Poco::File(out_index).remove(true);
      } catch (const Poco::Exception&) {
      }
      if (attempt >= 50)
        throw EnvironmentError(
            "busy",
            "index " + index_dir + " changed under 50 copies in a row: lower the commit rate and retry");
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
    }
  }
}

}  // namespace tongwen
