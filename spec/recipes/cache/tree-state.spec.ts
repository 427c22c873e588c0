// TreeCache's state without a server (issue 19): which read is newer (czxid, then mzxid: a re-created node's version
// starts at 0 again, Curator 127efd5e; a read answered late never overwrites a newer one, kazoo#645), the events each
// change makes, and the children kept in step.
import type { Stat } from '../../../src';
import { TreeState, isNewer } from '../../../src/recipes/cache/tree-state';

function stat(czxid: number, mzxid: number, pzxid = mzxid): Stat {
  return {
    czxid: BigInt(czxid),
    mzxid: BigInt(mzxid),
    pzxid: BigInt(pzxid),
    ctime: 0,
    mtime: 0,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    dataLength: 0,
    numChildren: 0,
  };
}
const node = (data: string, s: Stat) => ({ data: Buffer.from(data), stat: s });

describe('isNewer', () => {
  it('a re-created node (greater czxid) or the same node changed (greater mzxid) is newer; an older read never is', () => {
    expect(isNewer(stat(5, 9), stat(5, 7))).toBe(true);
    expect(isNewer(stat(8, 8), stat(5, 20))).toBe(true);
    expect(isNewer(stat(5, 7), stat(5, 9))).toBe(false);
    expect(isNewer(stat(5, 9), stat(5, 9))).toBe(false);
  });
});

describe('TreeState', () => {
  it('gives NODE_ADDED, NODE_UPDATED only for a newer read, nothing for the same or an older one', () => {
    const tree = new TreeState('/app');
    expect(tree.put('/app', node('root', stat(1, 1)))).toMatchObject({ type: 'NODE_ADDED', path: '/app' });
    expect(tree.put('/app/a', node('a1', stat(2, 2)))).toMatchObject({ type: 'NODE_ADDED', path: '/app/a' });
    expect(tree.put('/app/a', node('a2', stat(2, 3)))).toMatchObject({ type: 'NODE_UPDATED', data: Buffer.from('a2') });
    expect(tree.put('/app/a', node('a1', stat(2, 2)))).toBeNull(); // answered late: ignored
    expect(tree.get('/app/a')?.data.toString()).toBe('a2');
    expect(tree.size).toBe(2);
  });

  it("keeps each node's children in step, sorted; a newer list of children alone updates the stat without an event", () => {
    const tree = new TreeState('/');
    tree.put('/', node('', stat(0, 0)));
    tree.put('/b', node('', stat(3, 3)));
    tree.put('/a', node('', stat(4, 4)));
    expect(tree.children('/')).toEqual(['a', 'b']);
    expect(tree.children('/nothing')).toBeUndefined();
    const before = tree.version;
    expect(tree.put('/', node('', stat(0, 0, 9)))).toBeNull();
    expect(tree.get('/')?.stat.pzxid).toBe(9n);
    expect(tree.version).toBe(before + 1);
  });

  it('removes a node with everything below it, deepest first, each NODE_REMOVED with its last data', () => {
    const tree = new TreeState('/app');
    tree.put('/app', node('r', stat(1, 1)));
    tree.put('/app/a', node('a', stat(2, 2)));
    tree.put('/app/a/x', node('x', stat(3, 3)));
    tree.put('/app/b', node('b', stat(4, 4)));
    const removed = tree.remove('/app/a');
    expect(removed.map((e) => [e.type, e.path, e.data.toString()])).toEqual([
      ['NODE_REMOVED', '/app/a/x', 'x'],
      ['NODE_REMOVED', '/app/a', 'a'],
    ]);
    expect(tree.children('/app')).toEqual(['b']);
    expect(tree.remove('/app/a')).toEqual([]);
    expect([...tree.paths()].sort()).toEqual(['/app', '/app/b']);
  });

  it('a copy is a snapshot later changes do not touch', () => {
    const tree = new TreeState('/app');
    tree.put('/app', node('r', stat(1, 1)));
    const copy = tree.copy();
    tree.put('/app/a', node('a', stat(2, 2)));
    expect([...copy.keys()]).toEqual(['/app']);
  });
});
