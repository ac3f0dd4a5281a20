// The standing promises a campaign endangers (scenario-format.md, Verdict): their statuses
// without each reported campaign, from runs forked from the run with every campaign (or, where a
// check cannot fork them, a whole run without it), and the campaign's answer for them.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/check_runner.h"

namespace tandem::engine {

// The standing promises' statuses without each campaign are measured on runs forked from the
// run with every campaign at the campaign's first effect, as the economics' runs without it are
// (but measured, and to the end: a unit's exit can depend on work arriving later at the later
// stages of its route). They are the runs StandingWithout simulates from day 0, continued from
// the state they share with the run with every campaign, so every figure is the same. Where a
// check reports one campaign whose statuses without it are known, or cannot fork (order-level
// mode, no economics, a continued run, a check in blocks: their blobs carry the run with every
// campaign's figures only), StandingWithout is left as it was.
void CheckRunner::PlanStandingForks() {
  const bool any_measured = std::any_of(standing_specs_.begin(), standing_specs_.end(),
                                        [](int spec) { return spec >= 0; });
  fork_standing_ = any_measured && options_.mode == CheckMode::kFluid && evaluate_.economics &&
                   options_.start == nullptr && evaluate_.report_campaigns && !reported_.empty() &&
                   !(evaluate_.standing_without && reported_.size() == 1) && block_count_ < 0 &&
                   merge_blocks_ == nullptr;
  if (!fork_standing_) return;
  standing_slot_.assign(specs_.size(), -1);
  for (size_t i = 0; i < standing_specs_.size(); ++i) {
    if (standing_specs_[i] >= 0)
      standing_slot_[static_cast<size_t>(standing_specs_[i])] = static_cast<int>(i);
  }
  for (ReportedCampaign& reported : reported_) {
    reported.standing_achieved.assign(standing_specs_.size(), -1);
    for (size_t i = 0; i < standing_specs_.size(); ++i) {
      if (standing_specs_[i] >= 0) {
        reported.standing_achieved[i] =
            AddColumn(ColumnKind::kStandingAchieved, GlobalCampaign(reported.campaign),
                      GlobalMessaging(static_cast<int>(i)));
      }
    }
  }
  MutexLock lock(&stop_mutex_);
  standing_kept_.assign(standing_specs_.size(), 0);
}

// Whether a chunk starting now runs the runs without each campaign for the standing statuses: when
// a standing promise is kept in fewer of the scenarios counted so far than the confidence asks
// (then they are likely read; once it can no longer be kept, this holds from then on). Only the
// time depends on it, never a figure: a chunk that does not run them runs them in the second pass
// if they are read (Run), and figures of runs that are not read are not reported.
bool CheckRunner::StandingNeeded() const {
  MutexLock lock(&stop_mutex_);
  for (size_t i = 0; i < standing_specs_.size(); ++i) {
    if (standing_specs_[i] >= 0 &&
        static_cast<double>(standing_kept_[i]) <
            scenario_.simulation.confidence * static_cast<double>(standing_counted_))
      return true;
  }
  return false;
}

// Adds a finished chunk's scenarios to the standing promises' counts (with every campaign).
void CheckRunner::CountStanding(int64_t first, int64_t last) {
  std::vector<int64_t> kept(standing_specs_.size(), 0);
  for (size_t i = 0; i < standing_specs_.size(); ++i) {
    if (standing_specs_[i] < 0) continue;
    const size_t spec = static_cast<size_t>(standing_specs_[i]);
    const std::vector<float>& achieved = columns_->Get(achieved_column_[spec]);
    for (int64_t scenario = first; scenario < last; ++scenario)
      kept[i] += KeptIn(specs_[spec], achieved[static_cast<size_t>(scenario)]) ? 1 : 0;
  }
  MutexLock lock(&stop_mutex_);
  standing_counted_ += last - first;
  for (size_t i = 0; i < standing_specs_.size(); ++i) standing_kept_[i] += kept[i];
}

std::vector<StandingStatus> CheckRunner::StandingFromForks(
    size_t index, const std::vector<PromiseResult>& messaging) const {
  std::vector<StandingStatus> out;
  for (size_t i = 0; i < messaging.size(); ++i) {
    const int spec = standing_specs_[i];
    if (spec < 0) {  // claims and policies: the same without a campaign
      out.push_back({messaging[i].status, messaging[i].p_kept});
      continue;
    }
    StandingStatus status;
    status.status = StatusOfColumn(specs_[static_cast<size_t>(spec)],
                                   reported_[index].standing_achieved[i], &status.p_kept);
    out.push_back(status);
  }
  return out;
}

std::vector<StandingStatus> CheckRunner::StandingWithout(int campaign) const {
  CheckOptions options = options_;
  options.campaign.reset();
  options.collect_series = false;
  options.progress = nullptr;
  EvaluateOptions evaluate;
  evaluate.economics = false;
  evaluate.exclude_campaign = campaign;
  evaluate.report_campaigns = false;
  CheckRunner runner(scenario_, options, evaluate, component_);
  Result<CheckResult> result = runner.Run();
  std::vector<StandingStatus> out;
  if (!result.ok()) return out;
  for (const PromiseResult& promise : result.value().messaging)
    out.push_back({promise.status, promise.p_kept});
  return out;
}

// scenario-format.md, Verdict: a campaign answers for the standing promises it endangers, those
// whose status is worse with it than in its "without" case (the same seed and scenarios).
void CheckRunner::AnswerForStanding(int campaign, const std::vector<PromiseResult>& messaging,
                                    CampaignResult* result,
                                    const std::vector<StandingStatus>* known) const {
  bool short_of_kept = false;
  for (size_t i = 0; i < messaging.size(); ++i) {
    short_of_kept =
        short_of_kept || (StandingAnswered(i) && messaging[i].status != PromiseStatus::kKept);
  }
  if (!short_of_kept) return;
  if (known != nullptr) {
    result->standing_without = *known;
  } else if (evaluate_.standing_without && reported_.size() == 1) {
    result->standing_without = *evaluate_.standing_without;
  } else if (standing_forked_) {
    size_t index = 0;
    while (reported_[index].campaign != campaign) ++index;
    result->standing_without = StandingFromForks(index, messaging);
  } else if (options_.start == nullptr) {
    result->standing_without = StandingWithout(campaign);
  }
  if (result->standing_without.size() != messaging.size()) {
    result->standing_without.clear();
    return;
  }
  for (size_t i = 0; i < messaging.size(); ++i) {
    const StandingStatus& without = result->standing_without[i];
    if (!StandingAnswered(i) || messaging[i].status <= without.status) continue;
    StandingImpact impact;
    impact.index = static_cast<int>(i);
    impact.text = messaging[i].text;
    impact.with = {messaging[i].status, messaging[i].p_kept};
    impact.without = without;
    const bool broken = messaging[i].status == PromiseStatus::kBroken;
    result->verdict = Worse(result->verdict, VerdictFor(messaging[i].status));
    result->reasons.push_back(std::string("standing promise ") + (broken ? "broken" : "at risk") +
                              " with this campaign (" + StatusName(without.status) +
                              " without it): " + impact.text);
    result->standing.push_back(std::move(impact));
  }
}

}  // namespace tandem::engine
