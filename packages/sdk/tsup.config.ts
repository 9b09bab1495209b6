import { defineConfig } from 'tsup';

// ESM + CJS with matching declarations (index.d.ts / index.d.cts), as the package exports promise.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
});
