"""Payroll officer's safety: stale previews, remembered file columns, the refused file's errors."""

import django.utils.timezone
import portal.storage
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0003_payroll_run_notified_through"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name="updated at"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payrollrun",
            name="pledges_read_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="pledges read at"),
        ),
        migrations.AddField(
            model_name="payrollrun",
            name="error_report",
            field=models.FileField(
                blank=True, storage=portal.storage.private_storage, upload_to="payroll/errors/", verbose_name="errors of the last refused file"
            ),
        ),
        migrations.AddField(
            model_name="payrollrun",
            name="pending_file",
            field=models.FileField(
                blank=True, storage=portal.storage.private_storage, upload_to="payroll/uploads/", verbose_name="net-pay file being read"
            ),
        ),
        migrations.AddField(
            model_name="payrollrun",
            name="refused_file",
            field=models.JSONField(blank=True, default=dict, verbose_name="last refused file"),
        ),
        migrations.AddField(
            model_name="givingsettings",
            name="payroll_columns",
            field=models.JSONField(blank=True, default=dict, verbose_name="net-pay file columns"),
        ),
    ]
