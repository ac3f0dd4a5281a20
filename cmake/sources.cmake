# Source lists, one per library. Keep sorted.
set(TANDEM_CORE_SOURCES
  src/common/date.cc
  src/common/duration.cc
  src/common/result.cc
  src/engine/check.cc
  src/engine/compiled_model.cc
  src/engine/demand_forecast.cc
  src/engine/explain.cc
  src/engine/flow_step.cc
  src/engine/measure.cc
  src/engine/order_simulator.cc
  src/engine/random.cc
  src/engine/simulator.cc
  src/engine/start_state.cc
  src/engine/stock_plan.cc
  src/model/scenario.cc
  src/model/validate.cc
)
set(TANDEM_IO_SOURCES
  src/io/check_json.cc
  src/io/check_text.cc
  src/io/history_csv.cc
  src/io/input_limits.cc
  src/io/scenario_writer.cc
  src/io/scenario_reader.cc
)

