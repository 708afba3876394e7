// Rendering diagnostics for people (text with the source line and a caret)
// and for tools (JSON). The text and JSON forms are views of the same list.
#pragma once

#include <string>

#include "lang/diagnostic.hpp"
#include "lang/source.hpp"

namespace precept::lang {

struct RenderOptions {
  bool color = false;
  bool show_source = true;  // the source line and caret under the header line
};

// file:line:col: error: message [code]
//     12 |   when d.clasification == public
//        |        ^^^^^^^^^^^^^^^
// Columns count code points; tabs in the source line are kept and mirrored
// in the caret line so the caret stays under the span in any tab width.
std::string render_text(const Diagnostic& d, const SourceSet& sources, const RenderOptions& = {});
std::string render_text(const Diagnostics& ds, const SourceSet& sources, const RenderOptions& = {});

// {"diagnostics":[{"severity","code","message","file","line","column",
//   "end_line","end_column","notes":[...]}], "errors":N, "warnings":N}
std::string render_json(const Diagnostics& ds, const SourceSet& sources);

// The short one-line form used by golden test files: file:line:col: severity[code]: message
std::string render_brief(const Diagnostic& d, const SourceSet& sources);

}  // namespace precept::lang
