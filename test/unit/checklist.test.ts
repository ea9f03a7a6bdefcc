import { describe, expect, it } from "vitest";
import { addItem, removeItem, updateItem, type Checklist } from "../../src/tasks/checklist.js";
import {
  decodeIssue,
  encodeTask,
  TaskMetaSchema,
  type TaskFields,
} from "../../src/tasks/issue-codec.js";

const withChecklist = (list: Checklist, description: string | null = "Ship it."): TaskFields => ({
  content: "Release 2.0",
  description,
  priority: 2,
  labels: [],
  projectSlug: null,
  assignee: null,
  status: "open",
  meta: TaskMetaSchema.parse({
    created_by: "monitor",
    checklist: list.items,
    checklist_seq: list.seq,
  }),
});

const issueWithBody = (body: string) => ({
  number: 9,
  title: "Release 2.0",
  body,
  state: "open" as const,
  labels: [{ name: "priority:medium" }],
});

const build = (...contents: string[]) =>
  contents.reduce<Checklist>((list, content) => addItem(list, { content }).list, {
    items: [],
    seq: 0,
  });

describe("checklist in the issue body", () => {
  it("is a GitHub task list after the description, defused, with ids in the metadata", () => {
    const list = build("Tag the build", "Tell @alice, closes #12 <!-- x -->");
    const { body } = encodeTask(withChecklist(list));
    const visible = body.slice(0, body.indexOf("<!-- baton:v1"));
    // Invisible ZWSPs defuse mentions and references; shown here as <zwsp>.
    expect(visible.replaceAll("\u200b", "<zwsp>")).toMatchInlineSnapshot(`
      "> Baton task · created by **monitor**

      Ship it.

      <!-- baton:checklist -->
      **Checklist**

      - [ ] Tag the build
      - [ ] Tell @<zwsp>alice, closes #<zwsp>12 &lt;!-- x -->

      "
    `);
    const decoded = decodeIssue(issueWithBody(body));
    expect(decoded.description).toBe("Ship it.");
    expect(decoded.meta.checklist).toEqual([
      { id: 1, content: "Tag the build", done: false },
      { id: 2, content: "Tell @alice, closes #12 <!-- x -->", done: false },
    ]);
  });

  it("reads what people do on github.com: ticks, new items, removed items", () => {
    const list = build("Tag the build", "Publish notes", "Announce");
    const { body } = encodeTask(withChecklist(list, null));
    const edited = body
      .replace("- [ ] Publish notes", "- [x] Publish notes")
      .replace("- [ ] Tag the build\n", "")
      .replace("- [ ] Announce", "- [ ] Announce\n- [ ] Update @\u200bdocs");
    const decoded = decodeIssue(issueWithBody(edited));
    expect(decoded.description).toBeNull();
    expect(decoded.meta.checklist).toEqual([
      { id: 2, content: "Publish notes", done: true },
      { id: 3, content: "Announce", done: false },
      { id: 4, content: "Update @docs", done: false },
    ]);
    expect(decoded.meta.checklist_seq).toBe(4);
    // Written back, the ids stay and a removed item's id is never reused.
    const again = decodeIssue(issueWithBody(encodeTask(decoded).body));
    expect(again.meta.checklist).toEqual(decoded.meta.checklist);
    const next = addItem(
      { items: again.meta.checklist, seq: again.meta.checklist_seq },
      {
        content: "Close milestone",
      },
    );
    expect(next.item.id).toBe(5);
  });

  it("an edited description keeps the checklist apart, and a removed section empties it", () => {
    const { body } = encodeTask(withChecklist(build("Tag the build")));
    const described = decodeIssue(issueWithBody(body.replace("Ship it.", "Ship it today.")));
    expect(described.description).toBe("Ship it today.");
    expect(described.meta.checklist).toHaveLength(1);
    const start = body.indexOf("<!-- baton:checklist -->");
    const removed = body.slice(0, start) + body.slice(body.indexOf("<!-- baton:v1"));
    expect(decodeIssue(issueWithBody(removed)).meta.checklist).toEqual([]);
  });

  it("changes items by id; an unknown id is a 404 with a code", () => {
    const list = build("a", "b");
    expect(updateItem(list, 2, (item) => ({ ...item, done: true })).list.items[1]!.done).toBe(true);
    expect(removeItem(list, 1).items.map((item) => item.id)).toEqual([2]);
    expect(() => removeItem(list, 7)).toThrow(
      expect.objectContaining({ status: 404, code: "subtask_not_found" }),
    );
  });

  it("holds at most 50 items", () => {
    const full = build(...Array.from({ length: 50 }, (_, i) => `step ${i}`));
    expect(() => addItem(full, { content: "one more" })).toThrow(
      expect.objectContaining({ status: 422, code: "checklist_full" }),
    );
  });
});
