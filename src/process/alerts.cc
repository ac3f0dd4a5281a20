#include "tandem/process/alerts.h"

namespace tandem::process {

const std::vector<AlertKind>& AlertKinds() {
  using R = Role;
  static const std::vector<AlertKind> kinds = {
      {"promise-drifting",
       {R::kMarketing, R::kOperations},
       "a follow-up (every actuals upload while a campaign is live) re-forecasts a promise worse "
       "than at sign-off",
       "act mid-flight: cap the rest, book extra capacity, change the wording for new orders"},
      {"verdict-worsened",
       {R::kMarketing, R::kOperations, R::kFinance, R::kService},
       "a re-check of an approved or live campaign, after any change (a capacity or capability "
       "change by operations included), gives a worse verdict",
       "the committed promise is endangered or broken: sign-offs given on the old verdict are "
       "withdrawn (an approved campaign returns to transfer)"},
      {"commitment-endangered",
       {R::kMarketing, R::kOperations},
       "a capacity, calendar or capability change after which the re-check of an approved or "
       "live campaign finds a promise worse than before (kept to at risk or broken, at risk to "
       "broken); once per change, naming each promise with its share of scenarios kept before "
       "and after",
       "operations reconsiders the change or books capacity; marketing prepares to cap or reword "
       "the campaign"},
      {"verdict-overridden",
       {R::kMarketing, R::kOperations, R::kFinance, R::kService},
       "finance or admin approves an at-risk or no-go verdict with a reason",
       "the campaign goes ahead against the check: each function reads the reason and its part "
       "of the hand-over"},
      {"signoff-refused",
       {R::kMarketing},
       "a function refuses its sign-off, with a reason",
       "the campaign owner answers the reason or changes the campaign"},
      {"changes-requested",
       {R::kMarketing},
       "a function requests changes instead of signing off, with a reason",
       "the campaign owner answers the request or makes the change"},
      {"objection-answered",
       {},
       "the campaign owner answers a function's refusal or request for changes",
       "the function that objected reads the answer and signs off, or objects again"},
      {"signoff-waiting",
       {},
       "a check of a campaign in transfer finishes: each function that has not signed off on it "
       "(and has no refusal or request open) is asked, once per check",
       "read the check (verdict, promises, the part your function answers for), then sign off, "
       "refuse or request changes"},
      {"handover-ready",
       {},
       "a campaign is approved: its hand-over goes to operations (the capacity plan), marketing "
       "and service (the approved wording), once per approval",
       "operations books the capacity of the plan; marketing and service use the approved "
       "wording and no other"},
      {"announcement-near",
       {R::kMarketing, R::kOperations, R::kFinance, R::kService},
       "the clock (every minute): a campaign in groundwork or transfer is 3 days or less before "
       "its announce date; once per campaign and announce date, naming what is missing",
       "give the missing confirmation or sign-off, or move the announcement: an unapproved "
       "campaign must not be announced"},
      {"capacity-needed",
       {R::kOperations},
       "a check after a campaign change needs more capacity at a resource than before",
       "book capacity or ask marketing to cap the campaign"},
      {"budget-overrun",
       {R::kFinance},
       "a check whose campaign spend overruns a budget resource",
       "raise the budget or ask marketing to cut the spend"},
      {"stronger-promise",
       {R::kMarketing},
       "a capability or resource change after which a campaign could claim more (a new claim "
       "for its whole window, a faster time promise)",
       "an opportunity: consider the stronger wording"},
  };
  return kinds;
}

const AlertKind* FindAlertKind(std::string_view name) {
  for (const AlertKind& kind : AlertKinds()) {
    if (name == kind.name) return &kind;
  }
  return nullptr;
}

std::string RenderAlertTable() {
  std::string out =
      "| kind | who receives it | raised by | what to do |\n"
      "| --- | --- | --- | --- |\n";
  for (const AlertKind& kind : AlertKinds()) {
    std::string audience = kind.audience.empty() ? "the function concerned" : "";
    for (size_t i = 0; i < kind.audience.size(); ++i)
      audience += std::string(i ? ", " : "") + RoleName(kind.audience[i]);
    out += std::string("| `") + kind.name + "` | " + audience + " | " + kind.raised_by + " | " +
           kind.meaning + " |\n";
  }
  return out;
}

}  // namespace tandem::process
