"""Django's password validators with their messages in Thai.

Django's Thai catalogue leaves these messages untranslated, so an officer
choosing a weak password would read English; the rules themselves are Django's.
"""

from django.contrib.auth import password_validation as django_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย %(min_length)d ตัวอักษร") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return _("รหัสผ่านต้องมีอย่างน้อย %(min_length)d ตัวอักษร") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("รหัสผ่านคล้ายกับ%(verbose_name)sมากเกินไป")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่คล้ายกับอีเมลหรือข้อมูลส่วนตัวอื่นของคุณ")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("รหัสผ่านนี้มีคนใช้กันมากและเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("รหัสผ่านเป็นตัวเลขทั้งหมด กรุณาใช้ตัวอักษรผสมด้วย")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")
