import type * as z from "zod";
import { DeadLetterPageView, RouteList, SourceList } from "../admin/schemas";
import { DeadLetter as DeadLetterAnswer } from "../deadletters/record";
import { EventDetail as EventDetailAnswer, EventPage, type EventSummary as EventSummaryAnswer } from "../ledger/schema";
import { MetricsAnswer } from "../observability/schema";

/**
 * What the console reads from the admin API: the very schemas that describe its answers
 * (docs/contract.md §7, §8). The views are functions of these shapes; an answer that does not fit
 * is shown as an error, not guessed at.
 */
export const EventList = EventPage;
export type EventList = z.infer<typeof EventPage>;
export type EventSummary = z.infer<typeof EventSummaryAnswer>;

export const EventDetail = EventDetailAnswer;
export type EventDetail = z.infer<typeof EventDetailAnswer>;

export const DeadLetterPage = DeadLetterPageView;
export type DeadLetterPage = z.infer<typeof DeadLetterPageView>;
export type DeadLetterItem = DeadLetterPage["deadLetters"][number];

export const RoutePage = RouteList;
export type RouteItem = z.infer<typeof RouteList>["routes"][number];

export const SourcePage = SourceList;
export type SourceItem = z.infer<typeof SourceList>["sources"][number];

export const Metrics = MetricsAnswer;
export type Metrics = z.infer<typeof MetricsAnswer>;

export const DeadLetterRecord = DeadLetterAnswer;
export type DeadLetterRecord = z.infer<typeof DeadLetterAnswer>;
