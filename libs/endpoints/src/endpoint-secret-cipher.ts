import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { SecretBox } from '#libs/security';

/** Key id of rows the security migration moved over unencrypted; re-sealed at API start. */
export const LEGACY_PLAINTEXT_KEY_ID = 'plaintext';

/** Seals and opens endpoint signing secrets (AES-256-GCM under SECRETS_KEY), each bound to its
 * endpoint so a ciphertext copied to another endpoint's row does not open. */
@Injectable()
export class EndpointSecretCipher {
  private readonly box: SecretBox;

  constructor(config: AppConfig) {
    this.box = new SecretBox(config.secretKeys);
  }

  get activeKeyId(): string {
    return this.box.activeKeyId;
  }

  seal(endpointId: string, secret: string): { ciphertext: string; keyId: string } {
    return { ciphertext: this.box.seal(secret, aad(endpointId)), keyId: this.box.activeKeyId };
  }

  open(endpointId: string, ciphertext: string, keyId: string): string {
    return keyId === LEGACY_PLAINTEXT_KEY_ID ? ciphertext : this.box.open(ciphertext, aad(endpointId));
  }

  /** Custom header values often carry a receiver's credentials: they are sealed too, each bound
   * to its endpoint and header name. */
  sealHeaders(endpointId: string, headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, this.box.seal(value, headerAad(endpointId, name))]));
  }

  openHeaders(endpointId: string, sealed: unknown): Record<string, string> {
    if (!sealed || typeof sealed !== 'object') return {};
    return Object.fromEntries(Object.entries(sealed as Record<string, string>).map(([name, value]) => [name, this.box.open(value, headerAad(endpointId, name))]));
  }
}

const aad = (endpointId: string) => `endpoint-secret:${endpointId}`;
const headerAad = (endpointId: string, name: string) => `endpoint-header:${endpointId}:${name}`;
