/**
 * Over real HTTP: an approver can always find their work. "pending" (and the approver's "today") lists the requests
 * waiting for their decision and sends their live approval cards into the chat again; the reply to a decision names
 * the people it could not reach.
 */
import { Verbs } from "../../src/cards/verbs";
import { visitReference } from "../../src/domain/visit";
import { useAzurite } from "../support/azurite";
import { button, textOf } from "../support/card-inspect";
import { at, SafetyNetSchool, staffRecord, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();

describe("Thorns Primary: the head's requests waiting for a decision", () => {
  let school: SafetyNetSchool;
  let today: string;
  let thursday: string;
  const [visitor, head, office] = ["Alex Rivers", "Jo Fenwick", "Lou Brennock"];
  const chat = (name: string) => school.person(name).conversationId;
  /** What came into someone's chat since a mark, in order: each card's words, or the text. */
  const replies = (name: string, mark: number) =>
    school.connector.calls
      .slice(mark)
      .filter((c) => c.method === "POST" && c.conversationId === chat(name))
      .map((c) => (typeof c.body.text === "string" && c.body.text ? c.body.text : textOf((c.body.attachments as { content: Record<string, unknown> }[])[0]!.content)));

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900931", "EX35 VWX"));
    await school.installPersonal(visitor, head, office);
    // A visit later in the week (school.request finds only today's).
    await school.person(visitor).tap(Verbs.submitRequest, visitForm(school.policy, { date: "2026-11-26" }));
    [thursday] = (await school.app.store.listForDay(school.schoolId, "2026-11-26")).map((visit) => visit.id) as [string];
    today = await school.request(visitor, visitForm(school.policy));
  });
  afterAll(() => school?.stop());

  it('sends the live approval cards again on "pending", earliest first, with their Approve buttons', async () => {
    const mark = school.mark();
    await school.person(head).say("pending");
    const [intro, ...cards] = replies(head, mark);
    expect(intro).toBe("2 requests are waiting for your decision:");
    expect(cards.map((words) => words.split("\n")[0])).toEqual([`Lone home visit ${visitReference(today)}`, `Lone home visit ${visitReference(thursday)}`]);
    const posted = school.posts(chat(head), mark);
    expect(posted.map((p) => button(p.card, /^Approve/).data)).toEqual([
      { visitId: today, version: 1 },
      { visitId: thursday, version: 1 },
    ]);
  });

  it("lets the head approve from the card sent again, after which it waits no more", async () => {
    const [card] = school.posts(chat(head)).filter((p) => p.text.includes(visitReference(today)) && /Approve/.test(p.text)).slice(-1);
    const approve = button(card!.card, /^Approve/);
    const { card: reply } = await school.person(head).tap(approve.verb!, approve.data!);
    expect(textOf(reply)).toMatch(/Approved\. The visitor has been told\./);
    const mark = school.mark();
    await school.person(head).say("pending");
    expect(replies(head, mark)[0]).toBe("1 request is waiting for your decision:");
  });

  it("gives the head's \"today\" the day's visits and, after them, the request still waiting", async () => {
    const mark = school.mark();
    await school.person(head).say("today");
    const said = replies(head, mark);
    expect(said[0]).toMatch(/^Today's home visits at Thorns Primary School/);
    expect(said.slice(1, 2)).toEqual(["1 request is waiting for your decision:"]);
    expect(said[2]).toMatch(new RegExp(`^Lone home visit ${visitReference(thursday)}\n`));
  });

  it("gives the office's \"today\" the day's visits only: the office approves nothing here", async () => {
    const mark = school.mark();
    await school.person(office).say("today");
    expect(replies(office, mark)).toEqual([expect.stringMatching(/^Today's home visits at Thorns Primary School/)]);
  });

  it("tells someone who approves nothing who does", async () => {
    const mark = school.mark();
    await school.person(visitor).say("pending");
    expect(replies(visitor, mark)).toEqual(["Nothing waits for you: only the people who approve home visits have requests to decide (at Thorns Primary School, the headteacher)."]);
  });

  it("names the visitor a decision could not reach, so the head can tell them", async () => {
    school.connector.script = (call) => (call.method === "POST" && call.conversationId === chat(visitor) ? { status: 403, body: { error: { code: "BotNotInConversationRoster" } } } : undefined);
    try {
      school.setTime("08:05");
      const { card } = await school.person(head).tap(Verbs.approve, { visitId: thursday, version: 1 });
      expect(textOf(card)).toContain("Approved. Alex Rivers could not be reached in Teams: please tell them.");
    } finally {
      school.connector.script = () => undefined;
    }
  });
});
