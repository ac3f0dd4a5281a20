// tandem's Python module (docs/python.md): `import tandem`, then tandem.check, tandem.recommend
// and tandem.follow_up. A thin client of the library like the CLI: it reads the scenario (a file,
// or a dict serialised to the JSON the scenario reader accepts), calls the engine with the GIL
// released, renders the result with the CLI's own JSON renderers (tandem_render) and hands
// Python the parsed JSON, so a dict here is exactly what `tandem check --json` prints. The check's
// series (`series=True`) come besides the dict as read-only NumPy arrays over the CheckResult's
// own buffers: no copy; the arrays keep the result alive through a capsule (docs/python.md,
// "Lifetime of the arrays").
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/engine/check.h"
#include "tandem/engine/check_blocks.h"
#include "tandem/followup/actuals.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/actuals_csv.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/advise_output.h"
#include "tandem/render/check_output.h"
#include "tandem/render/followup_output.h"

namespace py = pybind11;

namespace tandem::python {
namespace {

// The display name of a scenario given as a dict, in error messages.
constexpr const char* kDictName = "<dict>";

// tandem.Error (a ValueError: the CLI's exit code 3, bad input or an unreadable input file) and
// tandem.InternalError (a RuntimeError: exit code 4). Created once at import; owned by the
// module, which outlives every call.
PyObject* error_type = nullptr;
PyObject* internal_error_type = nullptr;

// Raises the Python exception for `error`. Its message is the CLI's: the diagnostics'
// "file:line:column: key: problem; allowed", one per line; an error about an option names the
// keyword argument first ("as_of: ..."), as the CLI names its flag ("--as-of: ...").
[[noreturn]] void Raise(const Error& error) {
  const std::string text =
      error.option.empty() ? error.ToString() : error.option + ": " + error.ToString();
  if (error.code == ErrorCode::kInternal) {
    PyErr_SetString(internal_error_type, text.c_str());
    throw py::error_already_set();
  }
  py::object exception = py::reinterpret_borrow<py::object>(error_type)(text);
  py::list diagnostics;
  for (const Diagnostic& diagnostic : error.diagnostics) {
    py::dict item;
    item["file"] = diagnostic.file;
    item["line"] = diagnostic.line;
    item["column"] = diagnostic.column;
    item["key"] = diagnostic.key;
    item["problem"] = diagnostic.problem;
    item["allowed"] = diagnostic.allowed;
    diagnostics.append(item);
  }
  exception.attr("diagnostics") = diagnostics;
  exception.attr("option") = error.option.empty() ? py::object(py::none()) : py::str(error.option);
  exception.attr("kind") = error.code == ErrorCode::kIo ? "io" : "invalid_input";
  PyErr_SetObject(error_type, exception.ptr());
  throw py::error_already_set();
}

[[noreturn]] void RaiseOption(const std::string& option, const std::string& message) {
  Raise(Error::InvalidOption(option, message));
}

// The scenario argument: a path (str or os.PathLike) read as the CLI reads it, or a dict with the
// keys of the scenario format. A dict becomes JSON text (Python's json; dates and times by their
// isoformat(), as YAML writes them) read by the same reader as a file, with history files named
// relative to `folder` (default: the working directory). Read with the GIL held only for the
// conversion.
struct ScenarioSource {
  std::optional<std::string> path;
  std::string dict_json;
  std::string folder;
};

ScenarioSource SourceOf(const py::object& path_or_dict, const std::optional<std::string>& folder) {
  ScenarioSource source;
  if (py::isinstance<py::dict>(path_or_dict)) {
    py::module_ json = py::module_::import("json");
    py::cpp_function iso([](const py::object& value) -> py::object {
      if (py::hasattr(value, "isoformat")) return value.attr("isoformat")();
      throw py::type_error("not a scenario value: " + py::repr(value).cast<std::string>());
    });
    source.dict_json =
        json.attr("dumps")(path_or_dict, py::arg("default") = iso).cast<std::string>();
    source.folder = folder.value_or(".");
    return source;
  }
  py::module_ os = py::module_::import("os");
  py::object path = os.attr("fspath")(path_or_dict);  // TypeError for anything else
  if (!py::isinstance<py::str>(path)) throw py::type_error("the scenario: a path (str) or a dict");
  source.path = path.cast<std::string>();
  return source;
}

// Runs `work` (which returns a Result<T>) with the GIL released, then, with the GIL held again,
// returns its value or raises its error (Raise). REQUIRES: the GIL held; `work` touches no
// Python object.
template <typename Work>
auto WithoutGil(Work&& work) {
  using Value = std::decay_t<decltype(work().value())>;
  std::optional<Result<Value>> result;
  {
    py::gil_scoped_release unlocked;
    result.emplace(work());
  }
  if (!result->ok()) Raise(result->error());
  return std::move(*result).value();
}

// REQUIRES: the GIL released (reads files, parses).
Result<Scenario> ReadScenario(const ScenarioSource& source) {
  if (source.path) return ReadScenarioFile(*source.path, kDefaultMaxInputBytes);
  const std::filesystem::path folder = source.folder;
  FileLoader loader = [folder](const std::string& relative) -> Result<std::string> {
    return ReadInputFile((folder / relative).string(), kDefaultMaxInputBytes, "history file");
  };
  Result<Scenario> scenario = ParseScenario(source.dict_json, kDictName, loader);
  if (scenario.ok()) return scenario;
  // Lines and columns of a dict's problems would point into the JSON made of it, which the
  // caller never sees: the key names the place. A history file's keep theirs.
  Error error = scenario.error();
  for (Diagnostic& diagnostic : error.diagnostics) {
    if (diagnostic.file == kDictName) diagnostic.line = diagnostic.column = 0;
  }
  return error;
}

py::object ParseJson(const std::string& text) {
  return py::module_::import("json").attr("loads")(text);
}

int ThreadsOption(int threads) {
  if (threads < 0 || threads > 1024) {
    RaiseOption("threads",
                std::to_string(threads) + " worker threads; allowed: 0 (all cores) to 1024");
  }
  return threads;
}

// The check's series as arrays. The CheckResult lives on the heap, owned by a capsule that every
// array holds as its base: it is freed when the last array is.
template <typename T>
py::array View(const double* data, size_t count, const py::capsule& owner) {
  py::array array(py::dtype::of<double>(), {static_cast<py::ssize_t>(count)},
                  {static_cast<py::ssize_t>(sizeof(T))}, data, owner);
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

py::array Contiguous(const std::vector<double>& values, const py::capsule& owner) {
  return View<double>(values.data(), values.size(), owner);
}

// One figure of every day of a throughput check, as a strided view over the days' structs.
template <typename Field>
py::array DaysView(const std::vector<ThroughputCheck::Day>& days, Field field,
                   const py::capsule& owner) {
  const double* first = days.empty() ? nullptr : &field(days.front());
  return View<ThroughputCheck::Day>(first, days.size(), owner);
}

py::dict SpreadViews(const std::vector<ThroughputCheck::Day>& days,
                     const Percentiles ThroughputCheck::Day::*member, const py::capsule& owner) {
  py::dict out;
  out["p5"] = DaysView(
      days, [member](const ThroughputCheck::Day& day) -> const double& { return (day.*member).p5; },
      owner);
  out["p50"] = DaysView(
      days,
      [member](const ThroughputCheck::Day& day) -> const double& { return (day.*member).p50; },
      owner);
  out["p95"] = DaysView(
      days,
      [member](const ThroughputCheck::Day& day) -> const double& { return (day.*member).p95; },
      owner);
  out["mean"] = DaysView(
      days,
      [member](const ThroughputCheck::Day& day) -> const double& { return (day.*member).mean; },
      owner);
  return out;
}

py::object LeadTimes(const PromiseResult& promise, const py::capsule& owner) {
  if (!promise.lead_times) return py::none();
  return Contiguous(promise.lead_times->share, owner);
}

py::dict SeriesOf(const CheckResult& result, const py::capsule& owner) {
  py::dict series;
  py::list resources;
  for (const ResourceCalendar& calendar : result.resources) {
    py::dict item;
    item["id"] = calendar.resource;
    item["unit"] = calendar.unit;
    item["first"] = calendar.first.ToString();
    item["capacity"] = Contiguous(calendar.capacity, owner);
    item["arrivals"] = Contiguous(calendar.arrivals, owner);
    item["backlog"] = Contiguous(calendar.backlog, owner);
    resources.append(item);
  }
  series["resources"] = resources;
  py::list campaigns;
  for (const CampaignResult& campaign : result.campaigns) {
    py::dict item;
    item["id"] = campaign.id;
    py::list promises;
    for (const PromiseResult& promise : campaign.promises)
      promises.append(LeadTimes(promise, owner));
    item["lead_times"] = promises;
    py::list throughput;
    for (const ThroughputCheck& check : campaign.throughput) {
      if (check.days.empty()) continue;
      const std::vector<ThroughputCheck::Day>& days = check.days;
      py::dict daily;
      daily["resource"] = check.resource;
      daily["first"] = days.front().date.ToString();
      daily["capacity"] = DaysView(
          days, [](const ThroughputCheck::Day& day) -> const double& { return day.capacity; },
          owner);
      daily["arrivals"] = SpreadViews(days, &ThroughputCheck::Day::arrivals, owner);
      daily["arrivals_without"] = DaysView(
          days,
          [](const ThroughputCheck::Day& day) -> const double& { return day.arrivals_without; },
          owner);
      daily["backlog"] = SpreadViews(days, &ThroughputCheck::Day::backlog, owner);
      daily["backlog_without"] = DaysView(
          days,
          [](const ThroughputCheck::Day& day) -> const double& { return day.backlog_without; },
          owner);
      throughput.append(daily);
    }
    item["throughput"] = throughput;
    campaigns.append(item);
  }
  series["campaigns"] = campaigns;
  py::list messaging;
  for (const PromiseResult& promise : result.messaging) messaging.append(LeadTimes(promise, owner));
  series["messaging"] = messaging;
  return series;
}

CheckOptions CheckOptionsOf(std::optional<int64_t> scenarios, std::optional<uint64_t> seed,
                            int threads, std::optional<std::string> campaign,
                            const std::string& mode, bool series) {
  if (mode != "fluid" && mode != "orders") {
    RaiseOption("mode", "'" + mode + "' is not a mode; allowed: fluid, orders");
  }
  CheckOptions options;
  options.scenarios = scenarios;
  options.seed = seed;
  options.campaign = std::move(campaign);
  options.threads = ThreadsOption(threads);
  options.collect_series = series;
  options.mode = mode == "orders" ? CheckMode::kOrders : CheckMode::kFluid;
  return options;
}

py::object Check(const py::object& path_or_dict, std::optional<int64_t> scenarios,
                 std::optional<uint64_t> seed, int threads, std::optional<std::string> campaign,
                 const std::string& mode, bool series, const std::optional<std::string>& folder) {
  const CheckOptions options =
      CheckOptionsOf(scenarios, seed, threads, std::move(campaign), mode, series);
  const ScenarioSource source = SourceOf(path_or_dict, folder);
  auto result = std::make_unique<CheckResult>();
  const std::string json = WithoutGil([&]() -> Result<std::string> {
    Result<Scenario> scenario = ReadScenario(source);
    if (!scenario.ok()) return scenario.error();
    Result<CheckResult> checked = RunCheck(scenario.value(), options);
    if (!checked.ok()) return checked.error();
    *result = std::move(checked).value();
    return CheckResultToJson(*result);
  });
  py::object out = ParseJson(json);
  if (!series) return out;
  const CheckResult* owned = result.release();
  py::capsule owner(owned, [](void* pointer) { delete static_cast<CheckResult*>(pointer); });
  return py::make_tuple(out, SeriesOf(*owned, owner));
}

// The check in blocks of scenarios (tandem/engine/check_blocks.h; docs/scale-out.md), for
// tandem.dask. Each reads the scenario and runs with the GIL released.
// A scenario read once (tandem.read_scenario), for the calls that take it instead of a path:
// the merging side of tandem.dask reads a large catalogue once, not for each call. Immutable;
// shared by the calls that use it.
struct ParsedScenario {
  std::shared_ptr<const Scenario> scenario;
};

ParsedScenario ReadScenarioCall(const py::object& path_or_dict,
                                const std::optional<std::string>& folder) {
  const ScenarioSource source = SourceOf(path_or_dict, folder);
  ParsedScenario parsed;
  parsed.scenario = WithoutGil([&]() -> Result<std::shared_ptr<const Scenario>> {
    Result<Scenario> scenario = ReadScenario(source);
    if (!scenario.ok()) return scenario.error();
    return std::make_shared<const Scenario>(std::move(scenario).value());
  });
  return parsed;
}

struct CheckCall {
  ScenarioSource source;
  std::shared_ptr<const Scenario> parsed;  // when given a tandem.Scenario
  CheckOptions options;
};

// REQUIRES: the GIL released.
Result<std::shared_ptr<const Scenario>> ScenarioOf(const CheckCall& call) {
  if (call.parsed) return call.parsed;
  Result<Scenario> scenario = ReadScenario(call.source);
  if (!scenario.ok()) return scenario.error();
  return std::make_shared<const Scenario>(std::move(scenario).value());
}

CheckCall CheckCallOf(const py::object& path_or_dict, const py::kwargs& kwargs) {
  auto get = [&](const char* key) -> py::object {
    return kwargs.contains(key) ? py::object(kwargs[key]) : py::object(py::none());
  };
  for (const auto& item : kwargs) {
    const std::string key = item.first.cast<std::string>();
    if (key != "scenarios" && key != "seed" && key != "threads" && key != "campaign" &&
        key != "mode" && key != "series" && key != "folder") {
      throw py::type_error("unexpected keyword argument '" + key + "'");
    }
  }
  CheckCall call;
  call.options = CheckOptionsOf(
      get("scenarios").cast<std::optional<int64_t>>(), get("seed").cast<std::optional<uint64_t>>(),
      get("threads").is_none() ? 0 : get("threads").cast<int>(),
      get("campaign").cast<std::optional<std::string>>(),
      get("mode").is_none() ? std::string("fluid") : get("mode").cast<std::string>(),
      !get("series").is_none() && get("series").cast<bool>());
  if (py::isinstance<ParsedScenario>(path_or_dict)) {
    call.parsed = path_or_dict.cast<const ParsedScenario&>().scenario;
  } else {
    call.source = SourceOf(path_or_dict, get("folder").cast<std::optional<std::string>>());
  }
  return call;
}

int64_t CheckScenariosCall(const py::object& path_or_dict, const py::kwargs& kwargs) {
  const CheckCall call = CheckCallOf(path_or_dict, kwargs);
  return WithoutGil([&]() -> Result<int64_t> {
    Result<std::shared_ptr<const Scenario>> scenario = ScenarioOf(call);
    if (!scenario.ok()) return scenario.error();
    return CheckScenarios(*scenario.value(), call.options);
  });
}

int CheckComponentsCall(const py::object& path_or_dict, const py::kwargs& kwargs) {
  const CheckCall call = CheckCallOf(path_or_dict, kwargs);
  return WithoutGil([&]() -> Result<int> {
    Result<std::shared_ptr<const Scenario>> scenario = ScenarioOf(call);
    if (!scenario.ok()) return scenario.error();
    return CheckComponents(*scenario.value(), call.options);
  });
}

py::bytes CheckBlockCall(const py::object& path_or_dict, int64_t first, int64_t count,
                         int component, const py::kwargs& kwargs) {
  const CheckCall call = CheckCallOf(path_or_dict, kwargs);
  const std::string blob = WithoutGil([&]() -> Result<std::string> {
    Result<std::shared_ptr<const Scenario>> scenario = ScenarioOf(call);
    if (!scenario.ok()) return scenario.error();
    return RunCheckBlock(*scenario.value(), call.options, first, count, component);
  });
  return py::bytes(blob);
}

py::list CheckComponentBlocksCall(const py::object& path_or_dict, int64_t first, int64_t count,
                                  const std::vector<int>& components, const py::kwargs& kwargs) {
  const CheckCall call = CheckCallOf(path_or_dict, kwargs);
  const std::vector<std::string> blobs = WithoutGil([&]() -> Result<std::vector<std::string>> {
    Result<std::shared_ptr<const Scenario>> scenario = ScenarioOf(call);
    if (!scenario.ok()) return scenario.error();
    return RunComponentBlocks(*scenario.value(), call.options, first, count, components);
  });
  py::list out;
  for (const std::string& blob : blobs) out.append(py::bytes(blob));
  return out;
}

// (text, exit code): the JSON `tandem check --json` prints (json=True) or its report, and its
// exit code (the verdict: 0 go, 1 at-risk, 2 no-go).
py::tuple MergeCheckBlocksCall(const py::object& path_or_dict, const py::list& blocks, bool json,
                               const py::kwargs& kwargs) {
  const CheckCall call = CheckCallOf(path_or_dict, kwargs);
  std::vector<std::string> blobs;
  for (const py::handle& block : blocks) blobs.push_back(block.cast<std::string>());
  const auto [text, verdict] = WithoutGil([&]() -> Result<std::pair<std::string, int>> {
    Result<std::shared_ptr<const Scenario>> scenario = ScenarioOf(call);
    if (!scenario.ok()) return scenario.error();
    Result<CheckResult> result = MergeCheckBlocks(*scenario.value(), call.options, blobs);
    if (!result.ok()) return result.error();
    return std::pair{
        json ? CheckResultToJson(result.value()) : CheckResultToText(result.value(), false),
        static_cast<int>(result.value().verdict)};
  });
  return py::make_tuple(text, verdict);
}

py::object RecommendCall(const py::object& path_or_dict, std::optional<std::string> campaign,
                         std::optional<int64_t> scenarios, std::optional<uint64_t> seed,
                         int threads, const std::optional<std::string>& folder) {
  RecommendOptions options;
  options.campaign = std::move(campaign);
  options.scenarios = scenarios;
  options.seed = seed;
  options.threads = ThreadsOption(threads);
  const ScenarioSource source = SourceOf(path_or_dict, folder);
  return ParseJson(WithoutGil([&]() -> Result<std::string> {
    Result<Scenario> scenario = ReadScenario(source);
    if (!scenario.ok()) return scenario.error();
    Result<Recommendations> recommendations = Recommend(scenario.value(), options);
    if (!recommendations.ok()) return recommendations.error();
    return RecommendationsToJson(recommendations.value(), scenario.value().currency);
  }));
}

// as_of: the CLI's forms ("2027-04-11T12:00", with ":SS", or a date for its 00:00), or a
// datetime.datetime / datetime.date (by its isoformat()).
std::optional<WallSeconds> AsOfOption(const py::object& as_of) {
  if (as_of.is_none()) return std::nullopt;
  const py::object text = py::hasattr(as_of, "isoformat") ? as_of.attr("isoformat")() : as_of;
  if (!py::isinstance<py::str>(text)) throw py::type_error("as_of: a str, datetime or date");
  const std::string value = text.cast<std::string>();
  if (std::optional<WallSeconds> time = ParseWallSeconds(value)) return time;
  if (std::optional<Date> date = Date::Parse(value)) return WallSecondsOf(*date);
  RaiseOption("as_of", "'" + value + "' is not a time; YYYY-MM-DDTHH:MM (or :SS), or a date");
}

py::object FollowUpCall(const py::object& path_or_dict, const py::object& actuals,
                        const py::object& as_of, std::optional<std::string> campaign,
                        std::optional<int64_t> scenarios, std::optional<uint64_t> seed, int threads,
                        const std::optional<std::string>& folder) {
  FollowUpOptions options;
  options.as_of = AsOfOption(as_of);
  options.campaign = std::move(campaign);
  options.scenarios = scenarios;
  options.seed = seed;
  options.threads = ThreadsOption(threads);
  const std::string actuals_dir =
      py::module_::import("os").attr("fspath")(actuals).cast<std::string>();
  const ScenarioSource source = SourceOf(path_or_dict, folder);
  return ParseJson(WithoutGil([&]() -> Result<std::string> {
    Result<Scenario> scenario = ReadScenario(source);
    if (!scenario.ok()) return scenario.error();
    Result<Actuals> read = ReadActualsFolder(actuals_dir, scenario.value());
    if (!read.ok()) return read.error();
    Result<FollowUpResult> result = RunFollowUp(scenario.value(), read.value(), options);
    if (!result.ok()) return result.error();
    return FollowUpResultToJson(result.value(), nullptr);
  }));
}

}  // namespace
}  // namespace tandem::python

PYBIND11_MODULE(_tandem, module) {
  using namespace tandem::python;
  namespace py = pybind11;
  module.doc() =
      "tandem: can we actually deliver what we're promising? check, recommend and follow_up "
      "return the CLI's JSON (--json) as dicts (docs/python.md).";
  error_type = PyErr_NewExceptionWithDoc(
      "tandem.Error",
      "Bad input (the CLI's exit code 3): the message is the CLI's (file:line:column: key: "
      "problem; allowed). Attributes: diagnostics (list of dicts: file, line, column, key, "
      "problem, allowed), option (the keyword argument at fault, or None), kind ('invalid_input' "
      "or 'io').",
      PyExc_ValueError, nullptr);
  internal_error_type = PyErr_NewExceptionWithDoc(
      "tandem.InternalError", "A bug or exhausted resources (the CLI's exit code 4).",
      PyExc_RuntimeError, nullptr);
  if (!error_type || !internal_error_type) throw py::error_already_set();
  module.attr("Error") = py::handle(error_type);
  module.attr("InternalError") = py::handle(internal_error_type);
  module.attr("__version__") = "0.1.0";

  module.def("check", &Check, py::arg("path_or_dict"), py::kw_only(),
             py::arg("scenarios") = py::none(), py::arg("seed") = py::none(),
             py::arg("threads") = 0, py::arg("campaign") = py::none(), py::arg("mode") = "fluid",
             py::arg("series") = false, py::arg("folder") = py::none(),
             "The promise check, as `tandem check --json` (with series=True, `--json --series`): "
             "a dict; with series=True the tuple (dict, series), series holding NumPy arrays "
             "over the result's buffers (docs/python.md).");
  const py::class_<ParsedScenario> scenario_type(
      module, "Scenario",
      "A scenario read once by tandem.read_scenario: check_scenarios, "
      "check_block and merge_check_blocks take it instead of a path.");
  module.def("read_scenario", &ReadScenarioCall, py::arg("path_or_dict"), py::kw_only(),
             py::arg("folder") = py::none(),
             "Reads and validates a scenario once, as check() does: a tandem.Scenario for "
             "check_scenarios, check_block and merge_check_blocks (docs/scale-out.md).");
  module.def("check_scenarios", &CheckScenariosCall, py::arg("path_or_dict"),
             "The number of Monte Carlo scenarios check() simulates with these keyword arguments "
             "(check's).");
  module.def("check_components", &CheckComponentsCall, py::arg("path_or_dict"),
             "How many components of the resource graph check() with these keyword arguments "
             "(check's) splits into: 1 when it is not split along components "
             "(docs/scale-out.md).");
  module.def("check_block", &CheckBlockCall, py::arg("path_or_dict"), py::arg("first"),
             py::arg("count"), py::kw_only(), py::arg("component") = -1,
             "Simulates scenarios [first, first + count) of check() with these keyword arguments "
             "(check's; first a multiple of 16), of the whole scenario or of one `component` "
             "(0 <= component < check_components(...)): an opaque blob (bytes) for "
             "merge_check_blocks (docs/scale-out.md).");
  module.def("check_component_blocks", &CheckComponentBlocksCall, py::arg("path_or_dict"),
             py::arg("first"), py::arg("count"), py::arg("components"),
             "check_block of each of `components` (a list), the scenario read and what the "
             "components share computed once: a list of blobs (docs/scale-out.md).");
  module.def("merge_check_blocks", &MergeCheckBlocksCall, py::arg("path_or_dict"),
             py::arg("blocks"), py::arg("json") = true,
             "The check from blocks covering every scenario once: (text, exit code), the text "
             "`tandem check --json` prints (json=True) or its report (docs/scale-out.md).");
  module.def("recommend", &RecommendCall, py::arg("path_or_dict"), py::kw_only(),
             py::arg("campaign") = py::none(), py::arg("scenarios") = py::none(),
             py::arg("seed") = py::none(), py::arg("threads") = 0, py::arg("folder") = py::none(),
             "Counter-proposals, as `tandem recommend --json`: a dict.");
  module.def("follow_up", &FollowUpCall, py::arg("path_or_dict"), py::kw_only(), py::arg("actuals"),
             py::arg("as_of") = py::none(), py::arg("campaign") = py::none(),
             py::arg("scenarios") = py::none(), py::arg("seed") = py::none(),
             py::arg("threads") = 0, py::arg("folder") = py::none(),
             "Actuals against the plan, as `tandem follow-up --actuals DIR --json`: a dict.");
}
