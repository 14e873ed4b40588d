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
}

const aad = (endpointId: string) => `endpoint-secret:${endpointId}`;
