// The web UI: static files (index.html, hashed JS and CSS under assets/) that `tandem serve`
// serves itself; no CDN. The pages of the UI (campaign board, campaign page, sign-offs...)
// come with the server API; today the app is a viewer of a check result that reuses the
// report's components. Output: dist/ (what `tandem serve` looks for by default); the CMake
// build passes --outDir BUILD/web/app and embeds the files in the binary (include/tandem/web/assets.h).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
