// Which nodes a TreeCache holds under maxDepth and a selector: Curator's TreeCache rules (TreeNode.refresh traverses
// when depth < maxDepth && traverseChildren; a listed child is kept when acceptChild), on paths alone.
import { TreeScope } from '../../../src/recipes/cache/tree-scope';

const thrown: unknown[] = [];
const scope = (root: string, maxDepth: number, selector: ConstructorParameters<typeof TreeScope>[2] = null) =>
  new TreeScope(root, maxDepth, selector, (err) => thrown.push(err));

describe('TreeScope', () => {
  it("holds the nodes of TreeCacheSelector's javadoc example: n2-b not traversed, n1-c not accepted", () => {
    const s = scope('/root', Infinity, {
      traverseChildren: (path) => path !== '/root/n1-b/n2-b',
      acceptChild: (path) => path !== '/root/n1-c',
    });
    const tree = ['/root', '/root/n1-a', '/root/n1-b', '/root/n1-b/n2-a', '/root/n1-b/n2-b', '/root/n1-b/n2-b/n3-a', '/root/n1-c', '/root/n1-c/x', '/root/n1-d'];
    expect(tree.filter((p) => s.holds(p))).toEqual(['/root', '/root/n1-a', '/root/n1-b', '/root/n1-b/n2-a', '/root/n1-b/n2-b', '/root/n1-d']);
    expect(s.traverses('/root/n1-b/n2-b')).toBe(false);
    expect(s.traverses('/root/n1-b')).toBe(true);
    expect(s.accepts('/root/n1-c')).toBe(false);
  });

  it('maxDepth: 0 the root only, 1 its children too; depth counted from the root, also for the root /', () => {
    expect(['/a', '/a/b'].map((p) => scope('/a', 0).holds(p))).toEqual([true, false]);
    expect(scope('/a', 0).traverses('/a')).toBe(false);
    expect(['/a', '/a/b', '/a/b/c'].map((p) => scope('/a', 1).holds(p))).toEqual([true, true, false]);
    expect(scope('/a', 1).traverses('/a/b')).toBe(false);
    expect(['/', '/x', '/x/y', '/x/y/z'].map((p) => scope('/', 2).holds(p))).toEqual([true, true, true, false]);
    expect(scope('/a/b', 1).holds('/a/b/c/d')).toBe(false);
  });

  it('asks top down, as Curator meets the nodes, and stops at the first refusal', () => {
    const asked: string[] = [];
    const s = scope('/r', Infinity, {
      traverseChildren: (p) => (asked.push(`traverse ${p}`), true),
      acceptChild: (p) => (asked.push(`accept ${p}`), p !== '/r/a/b'),
    });
    expect(s.holds('/r/a/b/c')).toBe(false);
    expect(asked).toEqual(['traverse /r', 'accept /r/a', 'traverse /r/a', 'accept /r/a/b']);
  });

  it('keeps the selector as this (a class instance), and takes a throw as not held, telling it', () => {
    class Skip {
      constructor(private readonly name: string) {}
      acceptChild(path: string): boolean {
        return !path.endsWith(this.name);
      }
    }
    expect(scope('/r', Infinity, new Skip('tmp')).holds('/r/tmp')).toBe(false);
    expect(scope('/r', Infinity, new Skip('tmp')).holds('/r/keep')).toBe(true);
    const boom = new Error('selector failed');
    thrown.length = 0;
    expect(scope('/r', Infinity, { acceptChild: () => { throw boom; } }).holds('/r/a')).toBe(false);
    expect(thrown).toEqual([boom]);
  });
});
