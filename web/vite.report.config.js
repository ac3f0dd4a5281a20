// The report bundle: one IIFE script and one stylesheet, no chunks, no assets, no module
// preload, so that `tandem report` can inline both into a single HTML file that opens from
// file:// with no network. Output: <outDir>/report.js and <outDir>/report.css (dist-report/ by
// default; the CMake build passes --outDir BUILD/web/report).
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist-report',
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    lib: {
      entry: 'src/report/main.js',
      formats: ['iife'],
      name: 'TandemReport',
      fileName: () => 'report.js',
      cssFileName: 'report',
    },
  },
});
