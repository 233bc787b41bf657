import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

/** Component tests: React in jsdom. The browser end-to-end tests run in the node project. */
export default defineProject({
  plugins: [react()],
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
