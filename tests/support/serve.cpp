#include "serve.h"

#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "fixtures.h"

namespace tongwen::test {

using Clock = std::chrono::steady_clock;

Serve::Serve(const std::string& data, const std::vector<std::string>& sets,
             const std::map<std::string, std::string>& env) {
  std::vector<std::string> args = {"--data", data};
  for (auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  args.insert(args.end(), {"serve", "--port", "0"});
  Poco::Process::Args a(args.begin(), args.end());
  Poco::Process::Env e(env.begin(), env.end());
  handle_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch(tongwen_binary(), a, source_dir(), nullptr, &out_, nullptr, e));
  stream_ = std::make_unique<Poco::PipeInputStream>(out_);
  std::string line;
  std::getline(*stream_, line);
  auto at = line.find("http://127.0.0.1:");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "tongwen serve did not start: " << line);
  port_ = std::stoi(line.substr(at + 17));
}

Serve::~Serve() {
  if (!killed_) Poco::Process::requestTermination(handle_->id());
  handle_->wait();
}

void Serve::kill() {
  ::kill(handle_->id(), SIGKILL);
  killed_ = true;
}

bool Serve::running() const {
  return !killed_ && Poco::Process::isRunning(*handle_);
}

Reply Serve::request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& token, const std::string& content_type, bool chunked) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
  s.setTimeout(Poco::Timespan(60, 0));
  Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  if (method == "POST" || method == "PUT") {
    req.setContentType(content_type);
    if (chunked)
      req.setChunkedTransferEncoding(true);
    else
      req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  Reply r;
  try {
    std::ostream& os = s.sendRequest(req);
    os << body;
    std::istream& in = s.receiveResponse(r.headers);
    Poco::StreamCopier::copyToString(in, r.body);
  } catch (const Poco::Exception&) {
    // The server may answer 413/401 and close before the whole body is sent.
    std::istream& in = s.receiveResponse(r.headers);
    Poco::StreamCopier::copyToString(in, r.body);
  }
  r.status = r.headers.getStatus();
  return r;
}

int Serve::hits(const std::string& q) {
  std::string target;
  Poco::URI::encode(q, "", target);
  Reply r = get("/api/search?q=" + target);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  Poco::JSON::Parser p;
  return p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("total");
}

double Serve::wait_for_hits(const std::string& q, int want, double limit) {
  auto start = Clock::now();
  for (;;) {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (hits(q) == want) return secs;
    if (secs > limit) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string error_code(const Reply& r) {
  Poco::JSON::Parser p;
  return p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("error")->getValue<std::string>(
      "code");
}

}  // namespace tongwen::test
