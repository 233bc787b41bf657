import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

// Typed operations from the gateway's supergraph. Each component declares the fields it reads
// as a fragment next to it and pages spread them into their operations; fragment masking lets a
// component read only its own fields (`getFragmentData`). The persisted documents (operation
// hash → document) become the trusted-documents manifest the build writes next to the app; the app
// sends only the hash and the gateway runs the manifest's text (design §11). That text selects
// `__typename` everywhere, as Apollo Client's cache needs and adds to what it sends.
const config: CodegenConfig = {
  schema: '../gateway/supergraph.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/__generated__/**', '!src/**/*.test.{ts,tsx}'],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    'src/__generated__/': {
      preset: 'client',
      documentTransforms: [addTypenameSelectionDocumentTransform],
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { Date: 'string', DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
