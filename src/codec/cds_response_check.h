// src/codec/cds_response_check.h: reads a CDS Hooks response body as an EHR would and lists where
// it breaks the spec's rules for cards (render/cds_cards.h writes them; tests check them here).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace willis::codec {

/// Checks a CDS Hooks response body against the spec's rules for cards: summary present and
/// < 140 characters; indicator info|warning|critical; source.label; uuid present (willis always
/// sends one); links with label, url, type absolute|smart; cds-resp-1..7. Returns one message per
/// violation, "cards[2].summary: …"; empty when the body conforms.
std::vector<std::string> check_cds_response(std::string_view body);

}  // namespace willis::codec
