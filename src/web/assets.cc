#include "tandem/web/assets.h"

namespace tandem::web {

const Asset* FindAppAsset(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) path = "index.html";
  for (const Asset& asset : AppAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace tandem::web
