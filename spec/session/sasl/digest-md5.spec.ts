// DIGEST-MD5 (RFC 2831) as ZooKeeper's server runs it: the RFC's own example, exchanges
// recorded against Java's SaslServer, and a parser that fails with a typed error on any input.
import fc from 'fast-check';
import { ZooKeeperClientError } from '../../../src/errors';
import { DigestMd5Client, type DigestMd5Options } from '../../../src/session/sasl/digest-md5';
import { SaslError } from '../../../src/session/sasl/sasl-error';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Runs step 1 and returns the response as text. */
function respond(challenge: string, options: Partial<DigestMd5Options> = {}): string {
  const client = new DigestMd5Client({ username: 'bob', password: 'secret', cnonce: () => 'cn', ...options });
  return client.evaluateChallenge(bytes(challenge)).toString('utf8');
}

/** The directives of a response, unquoted (our own test decoder, not the parser under test). */
function directivesOf(response: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of response.matchAll(/([a-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,]*))/g)) {
    out[match[1]!] = match[2] === undefined ? match[3]! : match[2].replace(/\\(.)/g, '$1');
  }
  return out;
}

const ZK_CHALLENGE = 'realm="zk-sasl-md5",nonce="UDMPItEcjbXJOwhMUeN0ezvtOjsgzdRD4cSzidJv",charset=utf-8,algorithm=md5-sess';

describe('DigestMd5Client', () => {
  it('has no initial response', () => {
    const client = new DigestMd5Client({ username: 'bob', password: 'secret' });
    expect(client.mechanism).toBe('DIGEST-MD5');
    expect(client.initialResponse()).toEqual(Buffer.alloc(0));
    expect(client.complete).toBe(false);
  });

  it('reproduces the example of RFC 2831 section 4', () => {
    // The IMAP exchange of RFC 2831 §4, base64 as printed there.
    const challenge = Buffer.from(
      'cmVhbG09ImVsd29vZC5pbm5vc29mdC5jb20iLG5vbmNlPSJPQTZNRzl0RVFHbTJoaCIscW9wPSJhdXRoIixhbGdvcml0aG09bWQ1LXNlc3MsY2hhcnNldD11dGYtOA==',
      'base64',
    );
    const response = Buffer.from(
      'Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAwMDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9ImltYXAvZWx3b29kLmlubm9zb2Z0LmNvbSIscmVzcG9uc2U9ZDM4OGRhZDkwZDRiYmQ3NjBhMTUyMzIxZjIxNDNhZjcscW9wPWF1dGg=',
      'base64',
    );
    const rspauth = Buffer.from('cnNwYXV0aD1lYTQwZjYwMzM1YzQyN2I1NTI3Yjg0ZGJhYmNkZmZmZA==', 'base64');
    expect(challenge.toString()).toBe('realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8');
    expect(rspauth.toString()).toBe('rspauth=ea40f60335c427b5527b84dbabcdfffd');

    const client = new DigestMd5Client({
      username: 'chris',
      password: 'secret',
      service: 'imap',
      host: 'elwood.innosoft.com',
      cnonce: () => 'OA6MHXh6VqTrRk',
    });
    const answer = client.evaluateChallenge(challenge);
    expect(answer.toString()).toBe(response.toString());
    expect(directivesOf(answer.toString()).response).toBe('d388dad90d4bbd760a152321f2143af7');
    expect(client.complete).toBe(false);
    expect(client.evaluateChallenge(rspauth)).toEqual(Buffer.alloc(0));
    expect(client.complete).toBe(true);
  });

  // Exchanges recorded against Java's DIGEST-MD5 SaslServer (OpenJDK 17) created as
  // ZooKeeperSaslServer creates it: Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5",
  // null, new SaslServerCallbackHandler(<JAAS Server section with user_<name>=<password>>)), from
  // zookeeper-3.8.0.jar. The server accepted each response (isComplete, authorization id = user)
  // and answered with the rspauth shown; the cnonce is the one the client sent.
  it.each([
    {
      user: 'bob',
      password: 'secret',
      cnonce: 'fixedCnonceForTest==',
      challenge: ZK_CHALLENGE,
      response: 'aac1362c5957e5bf311db30845876c83',
      rspauth: 'ceb0279b925abd673fbcd44a0fd2c1f8',
    },
    {
      user: 'jörg', // Latin-1: hashed as ISO 8859-1, sent as UTF-8
      password: 'pässwörd',
      cnonce: 'oPhLbakmgVVu7/ibUGIBiQ==',
      challenge: 'realm="zk-sasl-md5",nonce="tChR0QE0/qfHiFhzAfmsiQkqeqUlbVxebqdFhtO1",charset=utf-8,algorithm=md5-sess',
      response: '1048ac60635fb31bbaf58db9a0baa500',
      rspauth: 'ae5aef29ddd8793a760a66efb69bc0fd',
    },
    {
      user: 'ユーザー', // beyond Latin-1: hashed as UTF-8
      password: 'パスワード',
      cnonce: 'xtrLG3Gt5NkkPGLmBw1RPQ==',
      challenge: 'realm="zk-sasl-md5",nonce="X6bvDavAyeitsSv7azyzZXqcc9ih0/h961q99a3v",charset=utf-8,algorithm=md5-sess',
      response: '831154e4111883ce975e578dcc11f5cf',
      rspauth: 'd1eaf977fdbe964e9bd5c16154ffef1c',
    },
    {
      user: 'q"u\\ote', // escaped in the quoted-string, hashed unescaped
      password: 'p"w\\d',
      cnonce: 'Y4CUtsNj1jWcygDfrUx/cw==',
      challenge: 'realm="zk-sasl-md5",nonce="OKBwqTX/b2Z+r/1MtoXJFXIAuIbZ6KUC7a0hkb00",charset=utf-8,algorithm=md5-sess',
      response: 'f50d729f70638aa3d71eab2175b03f78',
      rspauth: 'd051f8096dec012427571d18a3f36cb9',
    },
  ])('answers ZooKeeper as Java accepted, for user $user', ({ user, password, cnonce, challenge, response, rspauth }) => {
    const client = new DigestMd5Client({ username: user, password, cnonce: () => cnonce });
    const answer = client.evaluateChallenge(bytes(challenge)).toString('utf8');
    const nonce = /nonce="([^"]*)"/.exec(challenge)![1];
    const quotedUser = user.replace(/["\\]/g, '\\$&');
    expect(answer).toBe(
      `charset=utf-8,username="${quotedUser}",realm="zk-sasl-md5",nonce="${nonce}",nc=00000001,cnonce="${cnonce}",` +
        `digest-uri="zookeeper/zk-sasl-md5",response=${response},qop=auth`,
    );
    client.evaluateChallenge(bytes(`rspauth=${rspauth}`));
    expect(client.complete).toBe(true);
  });

  it('sends the authzid when given (and hashes it into A1)', () => {
    const plain = directivesOf(respond(ZK_CHALLENGE));
    const withAuthzid = directivesOf(respond(ZK_CHALLENGE, { authzid: 'alice' }));
    expect(withAuthzid.authzid).toBe('alice');
    expect(plain.authzid).toBeUndefined();
    expect(withAuthzid.response).not.toBe(plain.response);
  });

  it('draws a fresh random cnonce by default', () => {
    const cnonces = [0, 1].map(() => {
      const client = new DigestMd5Client({ username: 'bob', password: 'secret' });
      return directivesOf(client.evaluateChallenge(bytes(ZK_CHALLENGE)).toString()).cnonce!;
    });
    expect(cnonces[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(cnonces[0]).not.toBe(cnonces[1]);
  });

  describe('reading the challenge', () => {
    it('reads quoted values with commas and escapes, and white space anywhere', () => {
      const response = directivesOf(
        respond(' , realm = "a,b\\"c\\\\d" ,, NONCE="n,1\\x" ,\tqop="auth-int, auth,auth-conf", Algorithm = MD5-SESS , charset=UTF-8 ,'),
      );
      expect(response.realm).toBe('a,b"c\\d');
      expect(response.nonce).toBe('n,1x');
      expect(response.qop).toBe('auth');
      expect(response.charset).toBe('utf-8');
    });

    it('takes the first realm offered unless told which', () => {
      const challenge = 'realm="one",realm="two",nonce="n",algorithm=md5-sess';
      expect(directivesOf(respond(challenge)).realm).toBe('one');
      expect(directivesOf(respond(challenge, { realm: 'two' })).realm).toBe('two');
    });

    it('omits the realm when the server offers none', () => {
      const response = directivesOf(respond('nonce="n",algorithm=md5-sess'));
      expect(response.realm).toBeUndefined();
      expect(response.qop).toBe('auth'); // qop-options default to "auth"
    });

    it('ignores directives it does not know', () => {
      expect(() => respond('nonce="n",algorithm=md5-sess,maxbuf=65536,stale=true,cipher="3des,rc4",x-extension="1"')).not.toThrow();
    });

    it('speaks ISO 8859-1 unless the server offers charset=utf-8', () => {
      const client = new DigestMd5Client({ username: 'jörg', password: 'pässwörd', cnonce: () => 'cn' });
      const response = client.evaluateChallenge(bytes('nonce="n",algorithm=md5-sess'));
      expect(response.includes(Buffer.from('username="j\xf6rg"', 'latin1'))).toBe(true);
      expect(response.includes(bytes('charset'))).toBe(false);
      expect(() => respond('nonce="n",algorithm=md5-sess', { username: 'ユーザー' })).toThrow(SaslError);
      expect(() => respond('nonce="n",algorithm=md5-sess', { password: '密码' })).toThrow(SaslError);
    });

    it('decodes UTF-8 realms after charset=utf-8', () => {
      expect(directivesOf(respond('realm="r\u00e9alm",nonce="n",charset=utf-8,algorithm=md5-sess')).realm).toBe('r\u00e9alm');
    });

    it.each([
      // What ZooKeeper 3.8 sends when it has no JAAS 'Server' section: an empty token.
      ['', 'the server sent an empty challenge: SASL is not enabled on it'],
      [',', 'the challenge has no nonce'],
      ['realm="r",algorithm=md5-sess', 'the challenge has no nonce'],
      ['nonce="",algorithm=md5-sess', 'the challenge has no nonce'],
      ['nonce="a",nonce="b",algorithm=md5-sess', 'more than one nonce'],
      ['nonce="a",algorithm=md5-sess,algorithm=md5-sess', 'more than one algorithm'],
      ['nonce="a",algorithm=md5-sess,charset=utf-8,charset=utf-8', 'more than one charset'],
      ['nonce="a"', 'algorithm must be md5-sess'],
      ['nonce="a",algorithm=md5', 'algorithm must be md5-sess'],
      ['nonce="a",algorithm=md5-sess,qop="auth-conf"', 'not "auth"'],
      ['nonce="a",algorithm=md5-sess,charset=iso-8859-1', 'unsupported charset'],
      ['nonce="a,algorithm=md5-sess', 'unterminated quoted value of nonce'],
      ['nonce="a\\', 'unterminated quoted value of nonce'],
      ['nonce="a"b,algorithm=md5-sess', "expected ',' after the value of nonce"],
      ['nonce "a",algorithm=md5-sess', "expected '=' after nonce"],
      ['nonce=,algorithm=md5-sess', 'no value for nonce'],
      ['nonce', "expected '=' after nonce"],
      ['=x', 'unexpected byte 0x3d at 0'],
      ['"nonce"="a"', 'unexpected byte 0x22 at 0'],
    ])('refuses %j (%s)', (challenge, message) => {
      const raw = bytes(challenge);
      const client = new DigestMd5Client({ username: 'bob', password: 'secret' });
      expect(() => client.evaluateChallenge(raw)).toThrow(SaslError);
      expect(() => new DigestMd5Client({ username: 'bob', password: 'secret' }).evaluateChallenge(raw)).toThrow(message);
      expect(() => client.evaluateChallenge(bytes(ZK_CHALLENGE))).toThrow('the exchange has failed');
    });

    it('refuses a realm that is not UTF-8 after charset=utf-8', () => {
      const raw = Buffer.concat([bytes('nonce="a",algorithm=md5-sess,charset=utf-8,realm="'), Buffer.from([0xff]), bytes('"')]);
      expect(() => new DigestMd5Client({ username: 'bob', password: 'secret' }).evaluateChallenge(raw)).toThrow('not valid UTF-8');
    });

    it('refuses a challenge of 2048 bytes or more (RFC 2831 §2.1.1)', () => {
      const padding = `,x="${'p'.repeat(2048)}"`;
      expect(() => respond(ZK_CHALLENGE + padding)).toThrow('not less than 2048');
      const fits = ZK_CHALLENGE + `,x="${'p'.repeat(2047 - ZK_CHALLENGE.length - 5)}"`;
      expect(Buffer.byteLength(fits)).toBe(2047);
      expect(() => respond(fits)).not.toThrow();
    });

    it('fails only with SaslError, whatever the server sends', () => {
      const wellFormedish = fc
        .array(
          fc.tuple(
            fc.constantFrom('realm', 'nonce', 'qop', 'charset', 'algorithm', 'maxbuf', 'cipher', 'x', 'NONCE', ''),
            fc.oneof(fc.string(), fc.constantFrom('md5-sess', 'utf-8', 'auth', '"auth"', '"a\\"b"', '"unterminated')),
            fc.constantFrom(',', ', ', ',,', ' ', '', '\t'),
          ),
          { maxLength: 8 },
        )
        .map((parts) => bytes(parts.map(([name, value, sep]) => `${name}=${value}${sep}`).join('')));
      const arbitraryBytes = fc.uint8Array({ maxLength: 3000 }).map((array) => Buffer.from(array));
      fc.assert(
        fc.property(fc.oneof(wellFormedish, arbitraryBytes), fc.uint8Array({ maxLength: 200 }), (challenge, second) => {
          const client = new DigestMd5Client({ username: 'bob', password: 'secret', cnonce: () => 'cn' });
          for (const token of [challenge, Buffer.from(second)]) {
            try {
              expect(client.evaluateChallenge(token)).toBeInstanceOf(Buffer);
            } catch (error) {
              expect(error).toBeInstanceOf(SaslError);
              expect(error).toBeInstanceOf(ZooKeeperClientError);
              return;
            }
          }
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('checking rspauth', () => {
    function afterChallenge(): DigestMd5Client {
      const client = new DigestMd5Client({ username: 'bob', password: 'secret', cnonce: () => 'fixedCnonceForTest==' });
      client.evaluateChallenge(bytes(ZK_CHALLENGE));
      return client;
    }

    it('completes on the right rspauth, in either case, quoted or not', () => {
      for (const token of ['rspauth=ceb0279b925abd673fbcd44a0fd2c1f8', 'rspauth="CEB0279B925ABD673FBCD44A0FD2C1F8"']) {
        const client = afterChallenge();
        expect(client.evaluateChallenge(bytes(token))).toEqual(Buffer.alloc(0));
        expect(client.complete).toBe(true);
        expect(() => client.evaluateChallenge(bytes(token))).toThrow('the exchange has completed');
      }
    });

    it.each([
      ['rspauth=ceb0279b925abd673fbcd44a0fd2c1f9', 'does not match'],
      ['rspauth=ceb0279b925abd673fbcd44a0fd2c1f', 'does not match'],
      ['rspauth=', 'no value for rspauth'],
      ['', 'no rspauth'],
      [ZK_CHALLENGE, 'no rspauth'],
      ['rspauth=ceb0279b925abd673fbcd44a0fd2c1f8,rspauth=ceb0279b925abd673fbcd44a0fd2c1f8', 'more than one rspauth'],
    ])('fails on %j (%s)', (token, message) => {
      const client = afterChallenge();
      expect(() => client.evaluateChallenge(bytes(token))).toThrow(message);
      expect(client.complete).toBe(false);
      expect(() => client.evaluateChallenge(bytes('rspauth=ceb0279b925abd673fbcd44a0fd2c1f8'))).toThrow(SaslError);
    });
  });

  it('refuses bad options and non-byte tokens with a SaslError', () => {
    expect(() => new DigestMd5Client({ username: 'bob' } as DigestMd5Options)).toThrow(SaslError);
    expect(() => new DigestMd5Client({ username: 'bob', password: 1 } as unknown as DigestMd5Options)).toThrow(SaslError);
    expect(() => new DigestMd5Client({ username: 'bob', password: 'p', cnonce: 'x' } as unknown as DigestMd5Options)).toThrow(SaslError);
    const client = new DigestMd5Client({ username: 'bob', password: 'secret' });
    expect(() => client.evaluateChallenge('nonce="a"' as unknown as Buffer)).toThrow(SaslError);
    expect(() => respond(ZK_CHALLENGE, { cnonce: () => '' })).toThrow('cnonce must not be empty');
  });
});
