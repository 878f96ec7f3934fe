// src/core/severity.h: the contract's ordered severities.
#pragma once

#include <optional>
#include <string_view>

namespace willis::core {

/// Ordered as in the contract: info < caution < avoid < urgent.
enum class Severity { info, caution, avoid, urgent };

const char* to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

}  // namespace willis::core
