// Path validation must refuse exactly what ZooKeeper refuses, before anything is sent;
// chroot mapping must be invisible to the user (every path round-trips).
import fc from 'fast-check';
import {
  basename,
  isValidPath,
  joinPath,
  parentOf,
  prependChroot,
  stripChroot,
  validateChroot,
  validatePath,
} from '../../src/common/path';
import { InvalidPathError } from '../../src/errors';

/** The reason part of an InvalidPathError's message, as Java's IllegalArgumentException gives it. */
function reasonOf(path: unknown, isSequential = false): string {
  try {
    validatePath(path, isSequential);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPathError);
    return (error as Error).message.replace(/^invalid path .*?: (?=[A-Za-z])/s, '');
  }
  throw new Error(`${JSON.stringify(path)} was accepted`);
}

describe('validatePath', () => {
  // Cases of ZooKeeper's PathUtilsTest (zookeeper-server/src/test/java/org/apache/zookeeper/common/PathUtilsTest.java).
  it.each([
    ['/this is / a valid/path'],
    ['/name/with.period.'],
    ['/test\u0020'], // the first allowed character
    ['/test\u007e'], // the last allowed ASCII character
    ['/test\uffef'], // the highest allowed character
  ])('accepts %j (PathUtilsTest)', (path) => {
    expect(validatePath(path)).toBe(path);
  });

  it.each([
    [null, 'Path cannot be null'],
    ['', 'Path length must be > 0'],
    ['not/valid', 'Path must start with / character'],
    ['/ends/with/slash/', 'Path must not end with / character'],
    ['/test\u0000', 'null character not allowed @5'],
    ['/double//slash', 'empty node name specified @8'],
    ['/single/./period', 'relative paths not allowed @8'],
    ['/double/../period', 'relative paths not allowed @9'],
    ['/test\u0001', 'invalid character @5'],
    ['/test\u001F', 'invalid character @5'],
    ['/test\u007f', 'invalid character @5'],
    ['/test\u009f', 'invalid character @5'],
    ['/test\ud800', 'invalid character @5'],
    ['/test\uf8ff', 'invalid character @5'],
    ['/test\ufff0', 'invalid character @5'],
  ])('refuses %j with "%s" (PathUtilsTest)', (path, reason) => {
    expect(reasonOf(path)).toBe(reason);
  });

  // Our own cases; each reason was checked against PathUtils of zookeeper-3.8.0.jar.
  it.each([['/'], ['/a'], ['/...'], ['/a.'], ['/.a'], ['/..a'], ['/a..'], ['/a/b.c/d'], ['/é'], ['/\u00a0'], ['/\uf900'], ['/zookeeper/config']])(
    'accepts %j',
    (path) => {
      expect(validatePath(path)).toBe(path);
    },
  );

  it.each([
    [undefined, 'Path cannot be null'],
    [42, 'Path must be a string'],
    [{ toString: () => '/a' }, 'Path must be a string'],
    ['a', 'Path must start with / character'],
    ['//', 'Path must not end with / character'],
    ['/.', 'relative paths not allowed @1'],
    ['/..', 'relative paths not allowed @2'],
    ['/a/.', 'relative paths not allowed @3'],
    ['/a/..', 'relative paths not allowed @4'],
    ['/a//b/', 'Path must not end with / character'], // the trailing slash is checked before the elements
    ['/a\u0000//b', 'null character not allowed @2'], // the first problem wins
    ['/😀', 'invalid character @1'], // outside the BMP: a surrogate pair, refused as Java refuses it
    ['/a\u0085', 'invalid character @2'],
  ])('refuses %j with "%s"', (path, reason) => {
    expect(reasonOf(path)).toBe(reason);
  });

  it('checks a sequential path as if the counter were appended', () => {
    expect(validatePath('/', true)).toBe('/');
    expect(validatePath('/locks/', true)).toBe('/locks/');
    expect(validatePath('/locks/lock-', true)).toBe('/locks/lock-');
    expect(validatePath('/a/.', true)).toBe('/a/.'); // '/a/.1' is a fine name
    expect(reasonOf('/locks//', true)).toBe('empty node name specified @7');
    expect(reasonOf('', true)).toBe('Path must start with / character'); // Java checks '1'
    expect(reasonOf('/locks/', false)).toBe('Path must not end with / character');
  });

  it('names the path in the error', () => {
    expect(() => validatePath('/a//b')).toThrow('invalid path "/a//b": empty node name specified @3');
    expect(() => validatePath('/a//b')).toThrow(expect.objectContaining({ path: '/a//b' }));
  });

  it("accepts exactly what PathUtils' rules accept, written plainly, over random paths of allowed and refused characters", () => {
    // The rules written plainly: absolute, no trailing '/', no empty, '.' or '..' name, no forbidden code unit.
    const accepted = (path: string): boolean => {
      if (!path.startsWith('/')) return false;
      if (path === '/') return true;
      return path
        .slice(1)
        .split('/')
        .every((name) => {
          if (name === '' || name === '.' || name === '..') return false;
          for (let i = 0; i < name.length; i++) {
            const c = name.charCodeAt(i);
            if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0) return false;
          }
          return true;
        });
    };
    // Each edge of every refused range, on both sides: validatePath tries a regular expression before the loop.
    const edges = ['\u0000', '\u0001', '\u001f', '\u007e', '\u007f', '\u009f', '\u00a0', '\ud7ff', '\ud800', '\udfff', '\uf8ff', '\uf900', '\uffef', '\ufff0', '\uffff'];
    const unit = fc.constantFrom('/', '/', '.', '.', 'a', 'Z', '9', '_', '-', ':', '@', '!', '(', ']', "'", ' ', 'é', '\\', '$', '^', ...edges);
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (path) => {
        expect(isValidPath(path)).toBe(accepted(path));
        expect(isValidPath(path, true)).toBe(accepted(`${path}1`));
      }),
      { numRuns: 50_000 },
    );
  });

  it('isValidPath agrees with validatePath and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', '.', 'a', '\u0000', '\u007f', '\ud800', '\uffef') }), fc.boolean(), (path, seq) => {
        let valid = true;
        try {
          validatePath(path, seq);
        } catch {
          valid = false;
        }
        expect(isValidPath(path, seq)).toBe(valid);
      }),
    );
    expect(isValidPath(null)).toBe(false);
  });
});

describe('chroot', () => {
  it('validateChroot treats "", "/" and undefined as no chroot', () => {
    expect(validateChroot(undefined)).toBe('');
    expect(validateChroot('')).toBe('');
    expect(validateChroot('/')).toBe('');
    expect(validateChroot('/app')).toBe('/app');
    expect(validateChroot('/app/sub')).toBe('/app/sub');
  });

  it.each([['/app/'], ['app'], ['/a//b'], ['/a/..'], [7]])('validateChroot refuses %j', (chroot) => {
    expect(() => validateChroot(chroot)).toThrow(InvalidPathError);
  });

  it('maps the client root to the chroot and back', () => {
    expect(prependChroot('/app', '/')).toBe('/app');
    expect(prependChroot('/app', '/a/b')).toBe('/app/a/b');
    expect(prependChroot('', '/a')).toBe('/a');
    expect(stripChroot('/app', '/app')).toBe('/');
    expect(stripChroot('/app', '/app/a/b')).toBe('/a/b');
    expect(stripChroot('', '/a')).toBe('/a');
  });

  it('keeps a sequential create of the root inside the chroot', () => {
    expect(prependChroot('/app', '/', true)).toBe('/app/');
    expect(prependChroot('/app', '/q/', true)).toBe('/app/q/');
    expect(stripChroot('/app', '/app/0000000001')).toBe('/0000000001');
  });

  it('leaves a server path outside the chroot as it is', () => {
    expect(stripChroot('/app', '/application/x')).toBe('/application/x');
    expect(stripChroot('/app', '/zookeeper/config')).toBe('/zookeeper/config');
    expect(stripChroot('/app', '/')).toBe('/');
  });

  const segment = fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', 'é', ' '), minLength: 1, maxLength: 4 }).filter((s) => s !== '.' && s !== '..');
  const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
  const chroot = fc.oneof(fc.constant(''), fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`));

  it('stripChroot(c, prependChroot(c, p)) === p for every valid chroot and path', () => {
    fc.assert(
      fc.property(chroot, path, (c, p) => {
        expect(validateChroot(c)).toBe(c);
        expect(validatePath(p)).toBe(p);
        const serverPath = prependChroot(c, p);
        expect(validatePath(serverPath)).toBe(serverPath);
        expect(stripChroot(c, serverPath)).toBe(p);
      }),
    );
  });
});

describe('path helpers', () => {
  it('parentOf climbs one level and refuses the root', () => {
    expect(parentOf('/a/b/c')).toBe('/a/b');
    expect(parentOf('/a')).toBe('/');
    expect(() => parentOf('/')).toThrow(InvalidPathError);
    expect(() => parentOf('a')).toThrow(InvalidPathError);
  });

  it('basename gives the name getChildren lists', () => {
    expect(basename('/a/b')).toBe('b');
    expect(basename('/a')).toBe('a');
    expect(basename('/')).toBe('');
  });

  it('joinPath is the inverse of parentOf and basename', () => {
    expect(joinPath('/', 'b')).toBe('/b');
    expect(joinPath('/a', 'b')).toBe('/a/b');
    expect(joinPath('/locks', '')).toBe('/locks/'); // a sequential prefix
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const p = `/${parts.join('/')}`;
        expect(joinPath(parentOf(p), basename(p))).toBe(p);
      }),
    );
  });
});
