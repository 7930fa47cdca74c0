import { performance } from 'node:perf_hooks';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { AwsTargetClients } from './aws-clients';
import { awsFailure, awsSuccess } from './aws-outcome';
import type { Mail, Mailer } from './email';

/** Sends mail with SES v2 `SendEmail` (the AWS runtime), in the region of the runtime (or `region`). */
export class SesMailer implements Mailer {
  constructor(
    private readonly clients: AwsTargetClients,
    private readonly region?: string,
  ) {}

  async send(mail: Mail): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const data = (text: string) => ({ Data: text, Charset: 'UTF-8' });
    try {
      const answer = await this.clients.ses(this.region).send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: {
            ToAddresses: mail.to,
            ...(mail.cc ? { CcAddresses: mail.cc } : {}),
            ...(mail.bcc ? { BccAddresses: mail.bcc } : {}),
          },
          Content: {
            Simple: {
              Subject: data(mail.subject),
              Body: {
                ...(mail.text !== undefined || mail.html === undefined ? { Text: data(mail.text ?? '') } : {}),
                ...(mail.html !== undefined ? { Html: data(mail.html) } : {}),
              },
            },
          },
        }),
      );
      return awsSuccess(answer, { messageId: answer.MessageId }, elapsed());
    } catch (err) {
      return awsFailure(err, elapsed());
    }
  }

  async close(): Promise<void> {
    // The clients belong to the runtime's AwsTargetClients, closed with it.
  }
}
