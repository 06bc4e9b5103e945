/**
 * The seed page's documents come from the product's one definition; the sandbox adds only the XML
 * form S3 itself receives.
 */
import { bucketNotification } from "#contracts/aws-setup-documents.ts";

export {
  bucketNotification,
  permissionsPolicy,
  queuePolicy,
  trustPolicy,
} from "#contracts/aws-setup-documents.ts";

/** The S3 XML form of a bucket-notification document (what the CLI sends for Step 3's JSON). */
export function bucketNotificationXml(doc: ReturnType<typeof bucketNotification>): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const queues = doc.QueueConfigurations.map((q) => {
    const rules = "Filter" in q && q.Filter ? q.Filter.Key.FilterRules : [];
    const filter = rules.length
      ? `<Filter><S3Key>${rules.map((r) => `<FilterRule><Name>${r.Name}</Name><Value>${esc(r.Value)}</Value></FilterRule>`).join("")}</S3Key></Filter>`
      : "";
    return `<QueueConfiguration><Id>${esc(q.Id)}</Id><Queue>${esc(q.QueueArn)}</Queue>${q.Events.map((e) => `<Event>${e}</Event>`).join("")}${filter}</QueueConfiguration>`;
  }).join("");
  return `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${queues}</NotificationConfiguration>`;
}
