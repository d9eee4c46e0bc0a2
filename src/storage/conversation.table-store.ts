import { odata, type TableClient } from "@azure/data-tables";
import type { ConversationKind, ConversationStore, StoredConversation } from "../app/ports";
import { isNotFound } from "./table-errors";
import { decodeKey, encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/**
 * PartitionKey = kind, RowKey = the encoded key (Teams conversation ids hold characters keys may not).
 * The reference is opaque here, so it is kept as JSON text; a teamId column lets removeTeam find a team's rows.
 */
interface ConversationColumns {
  teamId?: string;
  name?: string;
  reference: string;
  savedAt: string;
}

export class TableConversationStore implements ConversationStore {
  private readonly conversations: TableClient;

  constructor(tables: Pick<Tables, "conversations">) {
    this.conversations = tables.conversations;
  }

  async save(conversation: StoredConversation): Promise<void> {
    const { kind, key, teamId, name, reference, savedAt } = conversation;
    const columns: ConversationColumns = {
      ...(teamId !== undefined ? { teamId } : {}),
      ...(name !== undefined ? { name } : {}),
      reference: JSON.stringify(reference),
      savedAt,
    };
    // Replace, not merge: a channel that lost its name or team must not keep the old one.
    await this.conversations.upsertEntity({ partitionKey: kind, rowKey: encodeKey(key), ...columns }, "Replace");
  }

  async get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined> {
    try {
      const row = await this.conversations.getEntity<ConversationColumns>(kind, encodeKey(key));
      return toConversation(kind, key, row);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(kind: ConversationKind): Promise<StoredConversation[]> {
    const rows = this.conversations.listEntities<ConversationColumns>({ queryOptions: { filter: odata`PartitionKey eq ${kind}` } });
    const found: StoredConversation[] = [];
    for await (const row of rows) found.push(toConversation(kind, decodeKey(row.rowKey ?? ""), row));
    return found;
  }

  async remove(kind: ConversationKind, key: string): Promise<void> {
    await this.deleteRow(kind, encodeKey(key));
  }

  async removeTeam(teamId: string): Promise<void> {
    // Rare (the app leaves a team) and the table is small: a filtered scan over the kinds is fine.
    const rows = this.conversations.listEntities({ queryOptions: { filter: odata`teamId eq ${teamId}`, select: ["PartitionKey", "RowKey"] } });
    const doomed: [partitionKey: string, rowKey: string][] = [];
    for await (const { partitionKey, rowKey } of rows) if (partitionKey && rowKey) doomed.push([partitionKey, rowKey]);
    for (const [partitionKey, rowKey] of doomed) await this.deleteRow(partitionKey, rowKey);
  }

  private async deleteRow(partitionKey: string, rowKey: string): Promise<void> {
    try {
      await this.conversations.deleteEntity(partitionKey, rowKey);
    } catch (error) {
      // Already gone is what the caller wanted.
      if (!isNotFound(error)) throw error;
    }
  }
}

function toConversation(kind: ConversationKind, key: string, row: ConversationColumns): StoredConversation {
  return {
    kind,
    key,
    ...(row.teamId !== undefined ? { teamId: row.teamId } : {}),
    ...(row.name !== undefined ? { name: row.name } : {}),
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    savedAt: row.savedAt,
  };
}
