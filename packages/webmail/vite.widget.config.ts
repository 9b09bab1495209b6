import { defineConfig } from 'vite';

// The <jdmail-inbox> widget: one ES module, no dependencies, served by the jdmail server at
// /widget/jdmail-inbox.js (packages/server/src/api/webmail/widget-script.ts). Built after the
// webmail (its own outDir, so the webmail's build does not wipe it).
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist/widget',
    // Lib mode leaves ES output unminified (for bundlers downstream); this file goes to browsers as is.
    rolldownOptions: { output: { minify: true } },
    emptyOutDir: true,
    lib: { entry: 'src/widget/index.ts', formats: ['es'], fileName: () => 'jdmail-inbox.js' },
    reportCompressedSize: true,
  },
});
