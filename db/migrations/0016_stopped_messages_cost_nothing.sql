-- A message a stop took back costs nothing: its points were refunded (a ledger entry at the stop),
-- so it now shows 0, as stopCampaign leaves the messages it stops from this release on. Only the
-- messages of stopped campaigns that never went out (STOP, never sent) change; the ledger does not.
-- The counter triggers (0013) move the campaign's and the hourly counts in the same statement, so
-- every sum of messages' points now equals what the campaign cost: its debit minus its refund.
UPDATE messages m SET points = 0
 WHERE m.campaign_id IN (SELECT c.id FROM campaigns c WHERE c.status = 'stopped')
   AND m.status = 412 AND m.sent_at IS NULL AND m.points <> 0;
