import { InvalidPathError } from '../errors/client-errors';

/**
 * Checks a znode path exactly as ZooKeeper's Java client does
 * (`org.apache.zookeeper.common.PathUtils.validatePath`), so a path the server
 * would refuse fails here, before anything is sent, with the reason Java gives.
 *
 * A sequential path is checked as if the server's counter were already appended
 * (Java checks `path + "1"`), so it may end with `/` (`'/locks/'` names children
 * `/locks/0000000001`, …) and the root `'/'` is accepted too.
 *
 * @param path the path to check; anything but a string is refused
 * @param isSequential whether the node is created with a sequential mode
 * @returns the path, typed as a string
 * @throws InvalidPathError naming the path and the reason
 * @example
 * validatePath('/app/config');            // '/app/config'
 * validatePath('/locks/lock-', true);     // '/locks/lock-'
 * validatePath('/a//b');                  // throws InvalidPathError: empty node name specified @3
 */
export function validatePath(path: unknown, isSequential = false): string {
  if (path === null || path === undefined) throw new InvalidPathError(path, 'Path cannot be null');
  if (typeof path !== 'string') throw new InvalidPathError(path, 'Path must be a string');
  const reason = problemOf(path, isSequential);
  if (reason !== undefined) throw new InvalidPathError(path, reason);
  return path;
}

/**
 * Whether `path` passes {@link validatePath}; never throws.
 *
 * @param path anything; only an absolute, normalized znode path passes
 * @param isSequential true for the path of a sequential create, which may end in '/' (the server appends the counter)
 * @example
 * isValidPath('/app/config'); // true
 * isValidPath('/app/');       // false: a trailing slash
 * isValidPath('/jobs/', true); // true: a sequential create names its children '/jobs/0000000001'
 */
export function isValidPath(path: unknown, isSequential = false): path is string {
  return typeof path === 'string' && problemOf(path, isSequential) === undefined;
}

/** {@link pathProblem} of `path` (with the counter appended, for a sequential create), the plainly valid path first. */
function problemOf(path: string, isSequential: boolean): string | undefined {
  const checked = isSequential ? `${path}1` : path;
  return PLAINLY_VALID.test(checked) ? undefined : pathProblem(checked);
}

/**
 * Every path {@link pathProblem} accepts but the root, and nothing else: one or more `/name`, each name at least one
 * code unit that is neither `/`, NUL nor one of {@link isForbiddenChar}'s, and not `.` or `..`. Tried first: a
 * regular expression runs as compiled code from the first call, where the loop below runs in V8's interpreter for a
 * new process's first thousands of requests (issue 20: three paths a lock cycle, ~20 µs of its ~330 µs then). A
 * path it does not match goes to pathProblem, for the root or for the reason.
 */
const PLAINLY_VALID = /^(?:\/(?!\.\.?(?:\/|$))[^/\x00-\x1f\x7f-\x9f\ud800-\uf8ff\ufff0-\uffff]+)+$/;

/**
 * The reason PathUtils.validatePath would give for `path`, or undefined when it
 * is valid. Indices are UTF-16 code units, as Java's `char` indices are, so the
 * `@i` in a reason matches what a Java client reports for the same path.
 */
function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'Path length must be > 0';
  if (path.charCodeAt(0) !== SLASH) return 'Path must start with / character';
  if (path.length === 1) return undefined; // the root
  if (path.charCodeAt(path.length - 1) === SLASH) return 'Path must not end with / character';

  let last = SLASH;
  for (let i = 1; i < path.length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    if (c === 0) return `null character not allowed @${i}`;
    if (c === SLASH && last === SLASH) return `empty node name specified @${i}`;
    if (c === DOT) {
      // "." or ".." as a whole path element; a dot inside a name ("a.b", "a.", "...") is fine.
      const start = last === DOT ? i - 2 : i - 1;
      const elementEnds = i + 1 === path.length || path.charCodeAt(i + 1) === SLASH;
      if (path.charCodeAt(start) === SLASH && elementEnds) {
        return `relative paths not allowed @${i}`;
      }
      continue;
    }
    if (isForbiddenChar(c)) return `invalid character @${i}`;
  }
  return undefined;
}

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * The code units PathUtils refuses: C0 controls, DEL and C1 controls, the
 * surrogates and private-use area (\ud800-\uf8ff, so no character outside the
 * BMP, e.g. no emoji, is allowed), and the specials \ufff0-\uffff.
 */
function isForbiddenChar(c: number): boolean {
  return (c > 0x0000 && c <= 0x001f) || (c >= 0x007f && c <= 0x009f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

/**
 * Checks a chroot (the `chroot` option or a connect string's suffix) and
 * normalizes it: `''`, `undefined` and `'/'` mean no chroot and give `''`;
 * anything else must be a valid, non-sequential path (so no trailing `/`).
 * ZooKeeper's ConnectStringParser applies the same rules to the suffix.
 *
 * @throws InvalidPathError when the chroot is not a valid path
 * @example
 * validateChroot('/app');   // '/app'
 * validateChroot('/');      // ''
 * validateChroot('/app/');  // throws InvalidPathError
 */
export function validateChroot(chroot: unknown): string {
  if (chroot === undefined || chroot === '' || chroot === '/') return '';
  return validatePath(chroot);
}

/**
 * The server path for a client path under `chroot` (ZooKeeper.prependChroot):
 * the client's root `/` is the chroot itself.
 *
 * For a sequential create of `/` under a chroot, pass `isSequential`: the
 * server then creates `/app/0000000001`. (Java maps it to `/app`, so the
 * server creates the sibling `/app0000000001`, outside the chroot.)
 *
 * @param chroot a chroot as {@link validateChroot} returns it (`''` for none)
 * @param path a valid client path
 * @example
 * prependChroot('/app', '/a/b');  // '/app/a/b'
 * prependChroot('/app', '/');     // '/app'
 * prependChroot('', '/a');        // '/a'
 */
export function prependChroot(chroot: string, path: string, isSequential = false): string {
  if (chroot === '') return path;
  if (path === '/') return isSequential ? `${chroot}/` : chroot;
  return chroot + path;
}

/**
 * The client path for a path the server sent (in a reply or a watch event),
 * the inverse of {@link prependChroot}: the chroot itself becomes `/`.
 *
 * A path outside the chroot is returned unchanged: the Java client
 * (ClientCnxn) also keeps a server path it cannot strip and only logs it.
 *
 * @example
 * stripChroot('/app', '/app/a/b');  // '/a/b'
 * stripChroot('/app', '/app');      // '/'
 * stripChroot('', '/a');            // '/a'
 */
export function stripChroot(chroot: string, serverPath: string): string {
  if (chroot === '') return serverPath;
  if (serverPath === chroot) return '/';
  if (serverPath.startsWith(chroot) && serverPath.charCodeAt(chroot.length) === SLASH) {
    return serverPath.slice(chroot.length);
  }
  return serverPath;
}

/**
 * The parent of a valid, non-root path.
 *
 * @throws InvalidPathError for the root, which has no parent (so a loop
 *   climbing towards the root cannot spin on it forever)
 * @example
 * parentOf('/a/b');  // '/a'
 * parentOf('/a');    // '/'
 */
export function parentOf(path: string): string {
  if (path === '/') throw new InvalidPathError(path, 'the root has no parent');
  const slash = path.lastIndexOf('/');
  if (slash < 0) throw new InvalidPathError(path, 'Path must start with / character');
  return slash === 0 ? '/' : path.slice(0, slash);
}

/**
 * The last element of a path: a node's name as its parent's `getChildren` lists
 * it; `''` for the root.
 *
 * @example
 * basename('/a/b');  // 'b'
 * basename('/');     // ''
 */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A child's path from its parent's path and its name (as `getChildren` returns
 * it). The result is not validated: validate it where it is used.
 *
 * @example
 * joinPath('/a', 'b');  // '/a/b'
 * joinPath('/', 'b');   // '/b'
 */
export function joinPath(parent: string, child: string): string {
  return parent.endsWith('/') ? parent + child : `${parent}/${child}`;
}

/**
 * Like {@link stripChroot}, but `null` for a path outside the chroot: a watch
 * event for such a path concerns none of this client's watches.
 *
 * @example
 * clientPathOrNull('/app', '/app/a');  // '/a'
 * clientPathOrNull('/app', '/other');  // null
 */
export function clientPathOrNull(chroot: string, serverPath: string): string | null {
  if (chroot === '' || serverPath === chroot) return stripChroot(chroot, serverPath);
  return serverPath.startsWith(chroot) && serverPath.charCodeAt(chroot.length) === SLASH ? serverPath.slice(chroot.length) : null;
}

/** The path of ZooKeeper's dynamic configuration node (ZooDefs.CONFIG_NODE): never chrooted, by the server or the client. */
export const CONFIG_NODE = '/zookeeper/config';
