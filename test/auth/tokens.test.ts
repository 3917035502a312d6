import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { signToken, verifyToken, type SigningKey } from '../../src/auth/tokens.js';
import { hashSecret, newId, verifySecret } from '../../src/auth/secrets.js';

const key: SigningKey = { kid: 'sk_1', key: randomBytes(32) };
const keys = (kid: string) => (kid === key.kid ? key : undefined);
const claims = { sub: 'cli_1', acc: 'acc_1', typ: 'client' as const, scope: 'recordings:read' };
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('bearer tokens', () => {
  it('verifies a token it signed and returns its claims', () => {
    const { token } = signToken(claims, key, 900);
    const got = verifyToken(token, keys);
    assert.equal(got.sub, 'cli_1');
    assert.equal(got.exp - got.iat, 900);
  });

  it('refuses an expired token', () => {
    const { token } = signToken(claims, key, 60, Date.now() - 120_000);
    assert.throws(() => verifyToken(token, keys), { code: 'INVALID_CLIENT_CREDENTIALS', message: /expired/ });
  });

  it('refuses a token whose payload was edited', () => {
    const { token } = signToken(claims, key, 900);
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64({ ...claims, acc: 'acc_other', iat: 0, exp: 9e9, jti: 'x' })}.${s}`;
    assert.throws(() => verifyToken(forged, keys), { message: /signature/ });
  });

  it("refuses alg 'none' and other algorithms even with a valid-looking body", () => {
    const body = b64({ ...claims, iat: 0, exp: 9e9, jti: 'x' });
    assert.throws(() => verifyToken(`${b64({ alg: 'none', typ: 'JWT' })}.${body}.`, keys), { message: /algorithm/ });
    const hs512 = `${b64({ alg: 'HS512', kid: 'sk_1' })}.${body}`;
    const sig = createHmac('sha512', key.key).update(hs512).digest('base64url');
    assert.throws(() => verifyToken(`${hs512}.${sig}`, keys), { message: /algorithm/ });
  });

  it('refuses a token signed by a key it does not know', () => {
    const { token } = signToken(claims, { kid: 'sk_other', key: randomBytes(32) }, 900);
    assert.throws(() => verifyToken(token, keys), { message: /unknown key/ });
  });

  it('refuses garbage', () => {
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.???.***']) {
      assert.throws(() => verifyToken(t, keys), { code: 'INVALID_CLIENT_CREDENTIALS' });
    }
  });
});

describe('secret hashing', () => {
  it('verifies the right secret and refuses a wrong one, with a fresh salt each time', async () => {
    const h1 = await hashSecret('correct horse');
    const h2 = await hashSecret('correct horse');
    assert.notEqual(h1, h2);
    assert.match(h1, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifySecret('correct horse', h1), true);
    assert.equal(await verifySecret('wrong horse', h1), false);
    assert.equal(await verifySecret('correct horse', 'not-a-hash'), false);
  });

  it('makes prefixed random ids', () => {
    const a = newId('rec');
    assert.match(a, /^rec_[a-z2-7]{21}$/);
    assert.notEqual(a, newId('rec'));
  });
});
