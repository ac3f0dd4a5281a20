// The Groundwork -> Transfer -> Follow-up process of each campaign: reading it, moving it
// between states, the functions' confirmations, sign-offs, refusals and requests for changes,
// the owner's answers, approval (with an override by another function for a verdict that is
// not go) and the hand-over.
//
// Every rule (who may do what, from which state, and what must hold) is the process core's
// (tandem/process/process.h): this service asks Decide() and stores what the decision implies,
// in one write each (ServiceCore::Write). Process actions need no If-Match, except Transition.
// The request bodies are the named structs of process_requests.h; each method refuses a body
// whose parse failed only after its own authorisation checks (requests.h).
//
// Ownership: holds a reference to the ServiceCore that `Service` owns; Service outlives it.
// Thread safety: every method may be called concurrently from any thread.
#ifndef TANDEM_SERVER_PROCESS_SERVICE_H_
#define TANDEM_SERVER_PROCESS_SERVICE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tandem/process/process.h"
#include "tandem/server/api.h"
#include "tandem/server/process_requests.h"
#include "tandem/server/requests.h"

namespace tandem::server {

class ServiceCore;

class ProcessService {
 public:
  using json = nlohmann::json;

  explicit ProcessService(ServiceCore& core) : core_(core) {}
  ProcessService(const ProcessService&) = delete;
  ProcessService& operator=(const ProcessService&) = delete;

  Outcome<Reply> ListProcesses(const Actor& actor, const std::string& ws);
  Outcome<Reply> GetProcess(const Actor& actor, const CampaignRef& ref);
  // Moves the campaign (If-Match: the process's version). Closing needs the review written
  // (PutReview) and the dates (process.h); approving is Approve's.
  Outcome<Reply> Transition(const Actor& actor, const CampaignRef& ref,
                            const Parsed<TransitionRequest>& request,
                            std::optional<int64_t> if_match);
  Outcome<Reply> Confirm(const Actor& actor, const FunctionRef& ref,
                         const Parsed<ConfirmRequest>& request);
  Outcome<Reply> Unconfirm(const Actor& actor, const FunctionRef& ref);
  // The function's sign-off on the check result named by `request.check`.
  Outcome<Reply> SignOff(const Actor& actor, const FunctionRef& ref,
                         const Parsed<SignOffRequest>& request);
  // A refusal (kind kRefuse) or a request for changes (kind kRequestChanges) in place of the
  // function's sign-off; kind kSignOff is a SignOff without a comment. The reason (at least 10
  // characters) goes to the campaign owner, who answers it (AnswerObjection); the function's
  // next sign-off settles it. Rules: tandem/process/process.h.
  Outcome<Reply> Review(const Actor& actor, const FunctionRef& ref, process::SignOffKind kind,
                        const Parsed<ObjectionRequest>& request);
  // The campaign owner's (marketing, admin) answer to a function's refusal or request for
  // changes (a text of at least 10 characters). The function is told.
  Outcome<Reply> AnswerObjection(const Actor& actor, const FunctionRef& ref,
                                 const Parsed<AnswerRequest>& request);
  Outcome<Reply> WithdrawSignOff(const Actor& actor, const FunctionRef& ref);
  // Without an override: a go verdict (marketing, admin). With one (a reason): an at-risk or
  // no-go verdict (finance or admin, never the campaign's owner).
  Outcome<Reply> Approve(const Actor& actor, const CampaignRef& ref,
                         const Parsed<ApproveRequest>& request);
  // Each function's part of the hand-over of an approved campaign.
  Outcome<Reply> Handover(const Actor& actor, const CampaignRef& ref);
  // The campaign's HTML report (text/html): the stored result of its current check drawn as
  // `tandem report` draws a check, with the post-campaign review when one is saved. 404 without a
  // finished check; 501 when ServiceOptions::render_report_html is unset.
  Outcome<Reply> Report(const Actor& actor, const CampaignRef& ref);
  // The post-campaign review, saved with the campaign while it is live or in follow-up (marketing,
  // operations, admin): the parts of process::kReviewParts, each a text of at most
  // kMaxReviewPartBytes (process_requests.h); a part left out is empty. Replaces the review,
  // audited. Closing needs every part written.
  Outcome<Reply> PutReview(const Actor& actor, const CampaignRef& ref,
                           const Parsed<PutReviewRequest>& request);
  static constexpr size_t kMaxReviewPartBytes = server::kMaxReviewPartBytes;

  // The clock: moves every campaign of every workspace whose clock row applies now (approved ->
  // live -> follow-up on the window's first day; follow-up -> closed once the window has ended,
  // the returns have matured and the review is written), one audit entry per move with actor
  // "clock". Run by the server's ticker (ServiceOptions::clock_interval) and before an actuals
  // upload queues its follow-up. Body: {"moves": [{"workspace", "campaign", "from", "to"}]}.
  Outcome<Reply> AdvanceByClock();

 private:
  // A sign-off, refusal or request for changes: what SignOff and Review share.
  struct Judgement {
    std::string check;
    Parsed<std::string> comment = std::string();  // a sign-off's
    std::string reason;                           // a refusal's or request's
  };
  Outcome<Reply> ReviewAs(const Actor& actor, const FunctionRef& ref, process::SignOffKind kind,
                          const Parsed<Judgement>& request);

  ServiceCore& core_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_PROCESS_SERVICE_H_
