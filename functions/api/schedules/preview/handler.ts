import { iso } from '../../../../libs/domain/clock';
import { api } from '../../../../libs/http/api';
import { schedulePreviewSchema } from '../../../../libs/schedules/schemas';

export const handler = api('previewSchedule', { body: schedulePreviewSchema }, async ({ body, services }) => ({
  status: 200,
  body: { items: services.schedules.preview(body).map(iso) },
}));
