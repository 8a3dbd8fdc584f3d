from django import forms


class LoginForm(forms.Form):
    email = forms.EmailField(max_length=254)
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput)
    remember = forms.BooleanField(required=False, label="Remember me")
    next = forms.CharField(required=False, widget=forms.HiddenInput)
