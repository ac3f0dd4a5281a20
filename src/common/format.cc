#include "tandem/common/format.h"

#include <cmath>
#include <cstdio>

namespace tandem {

std::string FormatCount(double value) {
  const bool negative = value < 0;
  long long whole = std::llround(std::fabs(value));
  std::string digits = std::to_string(whole);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative && whole != 0 ? "-" + out : out;
}

std::string FormatPercent(double share) {
  if (!std::isfinite(share)) return "n/a";
  const double percent = share * 100.0;
  char buffer[32];
  if ((percent > 99 && percent < 100) || (percent > 0 && percent < 1)) {
    std::snprintf(buffer, sizeof(buffer), "%.1f%%", std::floor(percent * 10) / 10);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.0f%%", std::round(percent));
  }
  return buffer;
}

std::string FormatMoney(double value, const std::string& currency) {
  const std::string amount = FormatCount(value);
  if (currency == "USD") return amount[0] == '-' ? "-$" + amount.substr(1) : "$" + amount;
  return amount + " " + currency;
}

std::string FormatSignificant(double value, int significant) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*g", significant, value);
  return buffer;
}

std::string FormatMoneyCents(double value, const std::string& currency) {
  const long long cents = std::llround(std::fabs(value) * 100.0);
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%02lld", cents % 100);
  const long long whole_units = cents / 100;  // the fraction is printed apart
  const std::string amount = FormatCount(static_cast<double>(whole_units)) + fraction;
  const std::string sign = value < 0 && cents != 0 ? "-" : "";
  if (currency == "USD") return sign + "$" + amount;
  return sign + amount + " " + currency;
}

std::string FormatMultiple(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1fx", value);
  return buffer;
}

std::vector<std::string> WrapWords(const std::string& paragraph, size_t width,
                                   size_t longest_word) {
  std::vector<std::string> lines;
  std::string line;
  size_t position = 0;
  while (position < paragraph.size()) {
    size_t next = paragraph.find(' ', position);
    if (next == std::string::npos) next = paragraph.size();
    std::string word = paragraph.substr(position, next - position);
    position = next + 1;
    while (word.size() > longest_word) {
      if (!line.empty()) lines.push_back(line);
      lines.push_back(word.substr(0, longest_word));
      word.erase(0, longest_word);
      line.clear();
    }
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace tandem
