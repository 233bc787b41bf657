import path from 'node:path';

/**
 * Where tickets' booking emails go, as the launcher tells the user: the SMTP server of
 * `SMTP_URL` (shown without its credentials), else the folder of .eml files, which it also
 * hands to the services as an absolute `MAIL_DIR` so every process writes to the one it shows.
 */
export function mailTarget(
  env: { SMTP_URL?: string | undefined; MAIL_DIR?: string | undefined },
  dataDir: string,
): { line: string; mailDir: string } {
  const mailDir = path.resolve(env.MAIL_DIR ?? path.join(dataDir, 'mail'));
  if (env.SMTP_URL) {
    let server = 'the server in SMTP_URL';
    try {
      const url = new URL(env.SMTP_URL);
      server = `${url.protocol}//${url.host}`;
    } catch {
      // tickets refuses a malformed SMTP_URL with its own message
    }
    return { line: `  Mail          ${server}  (SMTP_URL)`, mailDir };
  }
  const shown = path.relative(process.cwd(), mailDir) || mailDir;
  return { line: `  Mail          ${shown}/  (.eml files; set SMTP_URL to send them)`, mailDir };
}
