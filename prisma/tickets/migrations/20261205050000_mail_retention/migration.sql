-- Recipients of settled booking emails are forgotten after the retention period
-- (MAIL_RETENTION_DAYS): the dispatchers find them by age.
CREATE INDEX "MailMessage_createdAt_idx" ON "MailMessage"("createdAt");
