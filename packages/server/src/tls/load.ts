import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The certificate and key every listener presents. */
export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  selfSigned: boolean;
}

/**
 * The certificate for every listener (STARTTLS, STLS, implicit TLS): the
 * configured PEM files, or a self-signed one made once at init under
 * `<dataDir>/tls/` (mode 0600 for the key).
 */
export async function loadTls(options: {
  dataDir: string;
  hostname: string;
  certFile: string;
  keyFile: string;
}): Promise<TlsMaterial> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile)
      throw new Error('smtp.tlsCertFile and smtp.tlsKeyFile must be set together');
    return { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile), selfSigned: false };
  }
  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, 'self-signed.crt');
  const keyPath = join(dir, 'self-signed.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded only the first time, when there is a certificate to make.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: options.hostname }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 5 * 365 * 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: options.hostname }] }],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath), selfSigned: true };
}
