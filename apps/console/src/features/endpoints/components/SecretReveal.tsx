import { CopyButton } from '../../../components/feedback';

/** A signing secret, shown once: the API never returns it again. */
export function SecretReveal({ secret, title }: { secret: string; title: string }) {
  return (
    <section className="notice" aria-labelledby="secret-h">
      <h2 id="secret-h">{title}</h2>
      <p>Copy it now: it is shown only this once.</p>
      <p>
        <code className="mono" aria-label="Signing secret">
          {secret}
        </code>{' '}
        <CopyButton text={secret} label="Copy signing secret" />
      </p>
    </section>
  );
}
