// src/core/formula.h: molar mass and magnesium fraction of a salt from its chemical formula.
#pragma once

#include <string_view>

#include "core/result.h"

namespace willis::core {

/// Molar mass (g/mol) and Mg atoms of one formula unit.
struct FormulaMass {
  double molar_mass_g_mol = 0;
  double magnesium_atoms = 0;
  /// Elemental magnesium as a percentage of the salt's mass (sources: facts-s6-computed: n × 24.305
  /// ÷ M × 100).
  double elemental_percent() const;
};

/// Parses formulas such as "MgO", "Mg(OH)2", "Mg3(C6H5O7)2·9H2O", "Mg5(CO3)4(OH)2·4H2O",
/// with atomic weights Mg 24.305, C 12.011, H 1.008, O 15.999, N 14.007, Cl 35.45, S 32.06,
/// P 30.974. Errors: invalid_value for an unknown element or unbalanced brackets.
Result<FormulaMass> formula_mass(std::string_view formula);

}  // namespace willis::core
