import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Writes `trusted-documents.json` (operation hash → document) next to the app: the
 * operations this build can send, for a gateway that accepts browser traffic only from them.
 */
function trustedDocuments(): Plugin {
  return {
    name: 'railgraph-trusted-documents',
    apply: 'build',
    async generateBundle() {
      const manifest = await readFile(path.join(here, 'src/__generated__/persisted-documents.json'), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'trusted-documents.json', source: manifest });
    },
  };
}

export default defineConfig({
  plugins: [react(), trustedDocuments()],
  build: { target: 'es2022', sourcemap: false, reportCompressedSize: true },
});
