// The web files built from web/ (npm + Vite) and embedded into the binary at build time
// (web/scripts/embed.mjs, driven by cmake/targets/web.cmake), so that the report and the web
// UI need no files and no network at run time.
//
// Everything returned points into static storage of the binary: valid for the whole run,
// immutable, safe to share between threads.
#ifndef TANDEM_WEB_ASSETS_H_
#define TANDEM_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace tandem::web {

struct Asset {
  std::string_view path;          // relative, "/"-separated: "index.html", "assets/index-3f2a.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8", ...
  std::string_view data;
};

// The web UI's static files (web/index.html and what it loads), in path order. For
// `tandem serve`: serve "index.html" for "/", and the others under their path.
std::span<const Asset> AppAssets();

// The asset at `path` ("/" or "" mean "index.html"; a leading "/" is ignored), or nullptr.
const Asset* FindAppAsset(std::string_view path);

// The HTML report: its template (web/src/report/template.html, with one each of the slots
// @@TANDEM_TITLE@@, @@TANDEM_CSS@@, @@TANDEM_DATA@@ and @@TANDEM_JS@@), its script (one IIFE,
// already safe inside <script>) and its stylesheet. RenderReportHtml (report_html.h) fills them.
std::string_view ReportTemplate();
std::string_view ReportScript();
std::string_view ReportStyles();

}  // namespace tandem::web

#endif  // TANDEM_WEB_ASSETS_H_
