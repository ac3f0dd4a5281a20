// Numbers for sentences and reports: counts with thousands separators, shares as percentages,
// money in the scenario's currency. The one definition (the engine's explanations, the
// counter-proposals and follow-up use these). Pure functions; thread-safe.
#ifndef TANDEM_COMMON_FORMAT_H_
#define TANDEM_COMMON_FORMAT_H_

#include <string>
#include <vector>

namespace tandem {

// "9,382"; "-12" (rounded to a whole number; never "-0").
std::string FormatCount(double value);
// "66%", "99.2%" (one decimal between 99% and 100%, and below 1%); "n/a" when not finite.
std::string FormatPercent(double share);
// "$1,235" and "-$1,235" for USD, else "1,235 EUR" (whole units; never "-$" without digits).
std::string FormatMoney(double value, const std::string& currency);
// "$8.00", "-$1,234.50" for USD, else "8.00 EUR": money per unit, to the cent.
std::string FormatMoneyCents(double value, const std::string& currency);
// A figure to `significant` digits, as printf's %g writes it: "0.8333", "1.2e+04".
std::string FormatSignificant(double value, int significant);
// "2.5x", "0.6x": a multiple of something (of baseline demand, of a planned lift), one decimal.
std::string FormatMultiple(double value);
// Greedy word wrap of one paragraph at `width` columns (bytes), words split at single spaces:
// the lines without their breaks. A word longer than `longest_word` is cut into pieces of that
// length, each on its own line (mail keeps lines inside SMTP's 998 bytes). No trailing empty
// line: "" gives no line. The one wrap (text reports indent the lines, mail ends them in CRLF).
std::vector<std::string> WrapWords(const std::string& paragraph, size_t width,
                                   size_t longest_word = std::string::npos);

}  // namespace tandem

#endif  // TANDEM_COMMON_FORMAT_H_
