// libFuzzer target: actuals CSV text -> ParseActualsCsv (orders, tickets or spend, chosen by the
// first byte), against a small fixed scenario.
//
// Whatever the input, the parser must return normally (the build has ASan and UBSan): either
// records that satisfy the documented rules (ids unique, counts and amounts valid, times in
// order and orders within the horizon) or an input error whose every problem points at a line
// of the input and says what is wrong. On error, nothing is imported.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "tandem/io/actuals_csv.h"
#include "tandem/io/scenario_reader.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "actuals_csv_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

const tandem::Scenario& Shop() {
  static const tandem::Scenario scenario = [] {
    const tandem::FileLoader none = [](const std::string&) -> tandem::Result<std::string> {
      return tandem::Error::Io("no files");
    };
    tandem::Result<tandem::Scenario> parsed = tandem::ParseScenario(R"(
tandem: 1
name: fuzz
horizon: {start: 2027-03-01, end: 2027-03-31}
resources:
  - {id: desk, kind: throughput, capacity: 10}
  - {id: support, kind: throughput, capacity: 5}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], loads: [{resource: support, per_unit: 0.1}],
     baseline: {per_day: 10}}
  - {id: bag, price: 5, stock: 100, route: [desk], baseline: {per_day: 10}}
campaigns:
  - {id: push, window: {start: 2027-03-04, end: 2027-03-10}, lift: 0.5}
)",
                                                                    "fuzz.yaml", none);
    if (!parsed.ok()) Fail("the fixed scenario does not parse", parsed.error().ToString());
    return parsed.value();
  }();
  return scenario;
}

void CheckOrders(const tandem::Actuals& actuals) {
  const tandem::Scenario& scenario = Shop();
  const tandem::WallSeconds from = tandem::WallSecondsOf(scenario.horizon.start);
  const tandem::WallSeconds to = tandem::WallSecondsOf(scenario.horizon.end + 1);
  std::set<std::string_view> ids;
  for (const tandem::OrderRecord& order : actuals.orders) {
    if (!ids.insert(actuals.OrderId(order)).second) Fail("a repeated order id", "");
    if (order.offering < 0 || order.offering >= static_cast<int>(scenario.offerings.size()))
      Fail("an offering out of range", "");
    if (!(order.units >= 1) || order.units != std::floor(order.units)) Fail("bad units", "");
    if (order.placed < from || order.placed >= to) Fail("an order outside the horizon", "");
    if (order.processed != tandem::kNotYet && order.processed < order.placed)
      Fail("processed before placed", "");
    if (order.delivered != tandem::kNotYet && order.delivered < order.placed)
      Fail("delivered before placed", "");
    if (order.returned != tandem::kNotYet && order.returned_units > order.units)
      Fail("more returned than ordered", "");
    if (order.price < 0 && order.price != -1) Fail("a negative price", "");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const tandem::ActualsFile kind = data[0] % 3 == 0   ? tandem::ActualsFile::kOrders
                                   : data[0] % 3 == 1 ? tandem::ActualsFile::kTickets
                                                      : tandem::ActualsFile::kSpend;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  tandem::Actuals actuals;
  const tandem::Status status = tandem::ParseActualsCsv(kind, text, "fuzz.csv", Shop(), &actuals);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (!status.ok()) {
    if (status.error().code != tandem::ErrorCode::kInvalidInput)
      Fail("an error that is not an input error", status.error().ToString());
    if (!actuals.orders.empty() || !actuals.tickets.empty() || !actuals.spend.empty())
      Fail("records imported from a file with problems", status.error().ToString());
    for (const tandem::Diagnostic& diagnostic : status.error().diagnostics) {
      if (diagnostic.problem.empty() || diagnostic.line > lines)
        Fail("a problem without text or outside the input", diagnostic.ToString());
    }
    return 0;
  }
  if (kind == tandem::ActualsFile::kOrders) CheckOrders(actuals);
  for (const tandem::SpendRecord& spend : actuals.spend) {
    if (!(spend.amount >= 0) || !std::isfinite(spend.amount)) Fail("a bad amount", "");
  }
  for (const tandem::TicketRecord& ticket : actuals.tickets) {
    if (ticket.answered != tandem::kNotYet && ticket.answered < ticket.opened)
      Fail("answered before opened", "");
  }
  return 0;
}
